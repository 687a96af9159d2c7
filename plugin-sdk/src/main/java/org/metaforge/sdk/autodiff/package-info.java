/** Second-order automatic differentiation that DJL's public API does not offer. */
package org.metaforge.sdk.autodiff;

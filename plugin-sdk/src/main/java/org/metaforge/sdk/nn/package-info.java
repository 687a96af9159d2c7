/**
 * Functional layers whose weights are views of one flat parameter vector, and the standard
 * architectures built from them (needed for forward-mode hypergradients and MAML).
 */
package org.metaforge.sdk.nn;

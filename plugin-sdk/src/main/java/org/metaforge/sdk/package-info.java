/** The Metaforge plugin contract: extension points, run context and component metadata. */
package org.metaforge.sdk;

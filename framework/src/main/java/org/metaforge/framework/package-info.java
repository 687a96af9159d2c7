/** The embeddable Metaforge runtime: one builder call gives plugins, data, store and runner. */
package org.metaforge.framework;

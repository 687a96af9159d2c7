/**
 * The landmark deep-equilibrium network as functions of a flat parameter vector, its heatmap
 * read-out and the implicit backward through the equilibrium.
 */
package org.metaforge.plugins.ldeq.model;

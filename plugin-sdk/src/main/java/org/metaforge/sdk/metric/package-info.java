/**
 * Metrics computed from model outputs and targets, e.g. classification accuracy; each returns a
 * plain number and closes its temporaries.
 */
package org.metaforge.sdk.metric;

/**
 * Video inference: recurrence without recurrence (warm-started and constrained equilibria) and the
 * conventional smoothing filters it is compared with.
 */
package org.metaforge.plugins.ldeq.video;

/**
 * Landmark metrics as the LDEQ reference code computes them: NME with inter-ocular normalisation,
 * failure rate and AUC at a threshold, and the video flicker metric NMF.
 */
package org.metaforge.plugins.ldeq.metric;

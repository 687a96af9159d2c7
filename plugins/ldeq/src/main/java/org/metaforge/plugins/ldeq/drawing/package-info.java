/**
 * Pictures of what the model sees and predicts: faces with ground-truth and predicted landmarks
 * drawn, as PNG artefacts of a run.
 */
package org.metaforge.plugins.ldeq.drawing;

/**
 * The {@code ldeq/ldeq} learner: training the landmark DEQ on synthetic stills (Adam, cosine
 * schedule, crop and scale augmentation, checkpoints) and its evaluation.
 */
package org.metaforge.plugins.ldeq.training;

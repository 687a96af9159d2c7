/**
 * Landmark deep-equilibrium models with recurrence without recurrence (Micaelli et al., CVPR 2023):
 * facial landmarks as the fixed point of one weight-tied cell, stabilised on video.
 */
package org.metaforge.plugins.ldeq;

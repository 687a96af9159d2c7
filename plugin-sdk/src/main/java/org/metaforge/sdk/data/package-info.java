/**
 * Data as components see it: labelled images held in host memory, with fingerprints, and NumPy
 * {@code .npy} arrays (landmark files).
 */
package org.metaforge.sdk.data;

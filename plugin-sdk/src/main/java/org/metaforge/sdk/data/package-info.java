/** Datasets as components see them: labelled images held in host memory, with fingerprints. */
package org.metaforge.sdk.data;

/**
 * The WFLW annotation format (read, validate, write), 8-bit image files, and the crop that maps a
 * face and its landmarks to a model's input size.
 */
package org.metaforge.plugins.ldeq.wflw;

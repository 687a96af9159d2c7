package org.metaforge.framework.data;

import ai.djl.ndarray.types.Shape;
import org.metaforge.sdk.data.LabeledImages;

/**
 * One split as its IDX files hold it: unsigned bytes, before conversion to floats.
 *
 * @param pixels {@code size * rows * cols} unsigned bytes, image after image, row-major
 * @param labels {@code size} unsigned bytes
 * @param rows image height
 * @param cols image width
 * @param fingerprint SHA-256 (hex) of the decompressed image file followed by the label file
 */
record RawSplit(byte[] pixels, byte[] labels, int rows, int cols, String fingerprint) {

    int size() {
        return labels.length;
    }

    /** The largest label, or -1 when there are no samples. */
    int maxLabel() {
        int max = -1;
        for (byte label : labels) {
            max = Math.max(max, label & 0xFF);
        }
        return max;
    }

    /** Converts to floats in [0, 1] (byte value / 255) with sample shape (1, rows, cols). */
    LabeledImages toLabeledImages(String name, int numClasses) {
        float[] px = new float[pixels.length];
        for (int i = 0; i < px.length; i++) {
            px[i] = (pixels[i] & 0xFF) / 255f;
        }
        int[] lb = new int[labels.length];
        for (int i = 0; i < lb.length; i++) {
            lb[i] = labels[i] & 0xFF;
        }
        return new LabeledImages(name, px, lb, new Shape(1, rows, cols), numClasses, fingerprint);
    }
}

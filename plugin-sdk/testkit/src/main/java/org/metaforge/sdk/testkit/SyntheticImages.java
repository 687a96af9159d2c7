package org.metaforge.sdk.testkit;

import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.metaforge.sdk.data.LabeledImages;

/** Small labelled image sets with a known structure, for fast plugin tests. */
public final class SyntheticImages {

    private SyntheticImages() {}

    /**
     * Images of {@code classes} classes where class {@code k} lights a band of rows around row
     * {@code k * height / classes} on a noisy background: easy to learn, impossible to guess.
     */
    public static LabeledImages bands(
            String name, int n, int classes, int height, int width, long seed) {
        Random rng = new Random(seed);
        float[] px = new float[n * height * width];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int k = i % classes;
            labels[i] = k;
            int row = k * height / classes;
            for (int r = 0; r < height; r++) {
                for (int c = 0; c < width; c++) {
                    float v = 0.3f * rng.nextFloat();
                    if (Math.abs(r - row) <= 1) {
                        v += 0.6f;
                    }
                    px[(i * height + r) * width + c] = v;
                }
            }
        }
        Shape shape = new Shape(1, height, width);
        return new LabeledImages(
                name, px, labels, shape, classes, LabeledImages.fingerprintOf(px, labels, shape));
    }
}

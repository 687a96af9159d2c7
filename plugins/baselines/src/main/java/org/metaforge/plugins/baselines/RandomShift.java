package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Translation of images by whole pixels with zero fill, the random-shift augmentation of image
 * classifiers applied to meta-training episodes: each image of a batch moves by its own offset, so
 * the embedding learns from more than the few exact positions the meta-training images come in.
 */
final class RandomShift {

    private RandomShift() {}

    /**
     * The batch with image {@code i} moved down by {@code dy[i]} and right by {@code dx[i]} pixels
     * (negative: up, left); pixels moved in from outside the image are 0. A new array on {@code
     * x}'s manager, of its type.
     *
     * @param x images {@code (N, C, H, W)}
     */
    static NDArray shift(NDArray x, int[] dy, int[] dx) {
        Shape s = x.getShape();
        int n = (int) s.get(0);
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        // Through float64, which holds float32 and float64 pixels exactly.
        double[] in = x.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] out = new double[in.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int plane = (i * c + ch) * h * w;
                for (int y = 0; y < h; y++) {
                    int sy = y - dy[i];
                    if (sy < 0 || sy >= h) {
                        continue;
                    }
                    for (int col = 0; col < w; col++) {
                        int sx = col - dx[i];
                        if (sx >= 0 && sx < w) {
                            out[plane + y * w + col] = in[plane + sy * w + sx];
                        }
                    }
                }
            }
        }
        return x.getManager().create(out, s).toType(x.getDataType(), false);
    }

    /**
     * The batch with each image moved by an offset drawn uniformly from {@code -max..max} in each
     * direction, independently per image; {@code x} itself when {@code max} is 0.
     */
    static NDArray random(NDArray x, Random rng, int max) {
        if (max == 0) {
            return x;
        }
        int n = (int) x.getShape().get(0);
        int[] dy = new int[n];
        int[] dx = new int[n];
        for (int i = 0; i < n; i++) {
            dy[i] = rng.nextInt(2 * max + 1) - max;
            dx[i] = rng.nextInt(2 * max + 1) - max;
        }
        return shift(x, dy, dx);
    }
}

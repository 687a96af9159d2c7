package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Global average pooling: the mean over every spatial axis.
 *
 * <p>Input {@code (C, ...)} with at least one spatial axis, e.g. {@code (C, H, W)}; output {@code
 * (C)}. No parameters.
 */
public final class GlobalAvgPool implements Layer {

    private static final GlobalAvgPool INSTANCE = new GlobalAvgPool();

    private GlobalAvgPool() {}

    /** The layer. */
    public static GlobalAvgPool of() {
        return INSTANCE;
    }

    @Override
    public String kind() {
        return "gap";
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.dimension() < 2) {
            throw new IllegalArgumentException(
                    "GlobalAvgPool takes samples (C, ...) with spatial axes.");
        }
        return new Shape(input.get(0));
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        int[] axes = new int[ctx.inputShape().dimension() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 2;
        }
        return Normalization.mean(x, axes, false);
    }

    @Override
    public String toString() {
        return "GlobalAvgPool";
    }
}

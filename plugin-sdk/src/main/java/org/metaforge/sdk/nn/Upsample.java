package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Nearest-neighbour upsampling by an integer factor, as PyTorch's {@code nn.Upsample(scale_factor =
 * f, mode = "nearest")}: each pixel becomes an {@code f x f} block.
 *
 * <p>Input {@code (C, H, W)}, output {@code (C, f H, f W)}. No parameters.
 */
public final class Upsample implements Layer {

    private final long factor;

    private Upsample(long factor) {
        if (factor < 1) {
            throw new IllegalArgumentException(
                    "Upsample needs an integer factor >= 1, got " + factor + ".");
        }
        this.factor = factor;
    }

    /** Nearest-neighbour upsampling by {@code factor} on both spatial axes. */
    public static Upsample nearest(long factor) {
        return new Upsample(factor);
    }

    @Override
    public String kind() {
        return "upsample";
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.dimension() != 3) {
            throw new IllegalArgumentException("Upsample takes samples (C, H, W).");
        }
        return new Shape(input.get(0), factor * input.get(1), factor * input.get(2));
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        // The engine's nearest interpolation (mode 0): the values of repeating each element
        // factor times on both spatial axes, with one backward node that sums each block.
        Shape s = x.getShape();
        return x.getNDArrayInternal()
                .interpolation(new long[] {factor * s.get(2), factor * s.get(3)}, 0, false);
    }

    @Override
    public String toString() {
        return "Upsample(nearest, " + factor + ")";
    }
}

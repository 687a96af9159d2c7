package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Shape helpers shared by the normalisation layers. */
final class Normalization {

    private Normalization() {}

    /** {@code (1, C, 1, ...)}: broadcasts a per-channel vector over a batch of {@code input}. */
    static Shape perChannelShape(Shape input) {
        long[] dims = new long[input.dimension() + 1];
        java.util.Arrays.fill(dims, 1);
        dims[1] = input.get(0);
        return new Shape(dims);
    }

    /**
     * The mean over {@code axes}, kept as size-one axes; the engine's {@code mean} reduces one axis
     * only, its {@code sum} any number.
     */
    static NDArray mean(NDArray x, int[] axes, boolean keepDims) {
        long count = 1;
        for (int a : axes) {
            count *= x.getShape().get(a);
        }
        try (NDArray n = Scalars.like(x, count)) {
            return x.sum(axes, keepDims).div(n);
        }
    }
}

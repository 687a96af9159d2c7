package org.metaforge.sdk.nn;

import java.util.SplittableRandom;

/**
 * A cursor that writes initial values into a flat float32 parameter buffer, in order.
 *
 * <p>Values are drawn from one seeded {@link SplittableRandom}, so the whole vector depends only on
 * the seed and the architecture. Not thread-safe.
 */
public final class ParameterInit {

    private final float[] values;
    private final SplittableRandom random;
    private int position;

    ParameterInit(float[] values, long seed) {
        this.values = values;
        this.random = new SplittableRandom(seed);
    }

    /** Writes {@code count} values drawn uniformly from {@code [-bound, bound)}. */
    public void uniform(long count, double bound) {
        for (long i = 0; i < count; i++) {
            values[position++] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
    }

    /** Writes {@code count} copies of {@code value}. */
    public void constant(long count, double value) {
        for (long i = 0; i < count; i++) {
            values[position++] = (float) value;
        }
    }

    /**
     * PyTorch's default for linear and convolution layers (Kaiming-uniform with {@code a =
     * sqrt(5)}): {@code count} values from {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}.
     */
    public void pytorchDefault(long count, long fanIn) {
        uniform(count, 1 / Math.sqrt(fanIn));
    }

    int position() {
        return position;
    }
}

package org.metaforge.sdk.data;

import java.util.Arrays;

/**
 * A dense array read from or written to a NumPy {@code .npy} file, held as float64 in C order.
 *
 * @param shape the array's shape (empty for a scalar)
 * @param data {@code prod(shape)} values, last axis fastest
 */
public record NpyArray(long[] shape, double[] data) {

    /** Checks that the data fill the shape. */
    public NpyArray {
        shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "negative dimension in shape " + shapeText(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + shapeText(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    /** The shape as NumPy prints it, e.g. {@code (3, 98, 2)}. */
    public String shapeText() {
        return shapeText(shape);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a
                && Arrays.equals(shape, a.shape)
                && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpyArray" + shapeText();
    }

    static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(shape[i]);
            if (i + 1 < shape.length || shape.length == 1) {
                sb.append(i + 1 < shape.length ? ", " : ",");
            }
        }
        return sb.append(')').toString();
    }
}

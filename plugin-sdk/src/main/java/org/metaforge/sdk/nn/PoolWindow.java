package org.metaforge.sdk.nn;

import ai.djl.ndarray.types.Shape;

/** A square pooling window: kernel, stride and padding, validated. */
record PoolWindow(long kernel, long stride, long padding) {

    PoolWindow {
        if (kernel < 1 || stride < 1 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException(
                    "Pooling needs kernel, stride >= 1 and 0 <= padding <= kernel / 2, got "
                            + "kernel="
                            + kernel
                            + ", stride="
                            + stride
                            + ", padding="
                            + padding
                            + ".");
        }
    }

    Shape outputShape(Shape input) {
        if (input.dimension() != 3) {
            throw new IllegalArgumentException("2-D pooling takes samples (C, H, W).");
        }
        if (input.get(1) + 2 * padding < kernel || input.get(2) + 2 * padding < kernel) {
            throw new IllegalArgumentException(
                    "the padded input is smaller than the " + kernel + "x" + kernel + " window.");
        }
        return new Shape(
                input.get(0),
                (input.get(1) + 2 * padding - kernel) / stride + 1,
                (input.get(2) + 2 * padding - kernel) / stride + 1);
    }

    Shape kernelShape() {
        return new Shape(kernel, kernel);
    }

    Shape strideShape() {
        return new Shape(stride, stride);
    }

    Shape paddingShape() {
        return new Shape(padding, padding);
    }

    @Override
    public String toString() {
        return "kernel=" + kernel + ", stride=" + stride + ", padding=" + padding;
    }
}

package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * 2-D average pooling with a square window, as PyTorch's {@code nn.AvgPool2d} (floor mode, padding
 * zeros counted in the average).
 *
 * <p>Input {@code (C, H, W)}, output {@code (C, H', W')} with {@code H' = (H + 2 padding - kernel)
 * / stride + 1}. Stride defaults to the kernel size. No parameters.
 */
public final class AvgPool2d implements Layer {

    private final PoolWindow window;

    private AvgPool2d(PoolWindow window) {
        this.window = window;
    }

    /** A {@code kernel x kernel} window with stride {@code kernel} and no padding. */
    public static AvgPool2d of(long kernel) {
        return new AvgPool2d(new PoolWindow(kernel, kernel, 0));
    }

    /** The same layer with stride {@code s}. */
    public AvgPool2d stride(long s) {
        return new AvgPool2d(new PoolWindow(window.kernel(), s, window.padding()));
    }

    /** The same layer with {@code p} zeros of padding on every side (at most half the kernel). */
    public AvgPool2d padding(long p) {
        return new AvgPool2d(new PoolWindow(window.kernel(), window.stride(), p));
    }

    @Override
    public String kind() {
        return "avgpool";
    }

    @Override
    public Shape outputShape(Shape input) {
        return window.outputShape(input);
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        return Pool.avgPool2d(
                x, window.kernelShape(), window.strideShape(), window.paddingShape(), false, true);
    }

    @Override
    public String toString() {
        return "AvgPool2d(" + window + ")";
    }
}

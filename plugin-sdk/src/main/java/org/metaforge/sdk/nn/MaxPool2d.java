package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * 2-D max pooling with a square window, as PyTorch's {@code nn.MaxPool2d} (floor mode).
 *
 * <p>Input {@code (C, H, W)}, output {@code (C, H', W')} with {@code H' = (H + 2 padding - kernel)
 * / stride + 1}; padding counts as minus infinity. Stride defaults to the kernel size. No
 * parameters.
 */
public final class MaxPool2d implements Layer {

    private final PoolWindow window;

    private MaxPool2d(PoolWindow window) {
        this.window = window;
    }

    /** A {@code kernel x kernel} window with stride {@code kernel} and no padding. */
    public static MaxPool2d of(long kernel) {
        return new MaxPool2d(new PoolWindow(kernel, kernel, 0));
    }

    /** The same layer with stride {@code s}. */
    public MaxPool2d stride(long s) {
        return new MaxPool2d(new PoolWindow(window.kernel(), s, window.padding()));
    }

    /** The same layer with {@code p} of padding on every side (at most half the kernel). */
    public MaxPool2d padding(long p) {
        return new MaxPool2d(new PoolWindow(window.kernel(), window.stride(), p));
    }

    @Override
    public String kind() {
        return "maxpool";
    }

    @Override
    public Shape outputShape(Shape input) {
        return window.outputShape(input);
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        return Pool.maxPool2d(
                x, window.kernelShape(), window.strideShape(), window.paddingShape(), false);
    }

    @Override
    public String toString() {
        return "MaxPool2d(" + window + ")";
    }
}

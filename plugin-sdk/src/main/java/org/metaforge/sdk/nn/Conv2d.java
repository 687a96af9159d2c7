package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A 2-D convolution (cross-correlation) with square kernel, as PyTorch's {@code nn.Conv2d}.
 *
 * <p>Input {@code (C, H, W)}, output {@code (out, H', W')} with {@code H' = (H + 2 padding -
 * kernel) / stride + 1}; parameters: weight {@code (out, C / groups, kernel, kernel)}, then bias
 * {@code (out)} unless disabled. Initialised as PyTorch: both from {@code U(-1/sqrt(fanIn),
 * 1/sqrt(fanIn))} with {@code fanIn = C / groups * kernel^2}. Immutable; the configuring methods
 * return new layers.
 */
public final class Conv2d implements Layer {

    private final long outChannels;
    private final long kernel;
    private final long stride;
    private final long padding;
    private final int groups;
    private final boolean bias;

    private Conv2d(
            long outChannels, long kernel, long stride, long padding, int groups, boolean bias) {
        if (outChannels < 1 || kernel < 1 || stride < 1 || padding < 0 || groups < 1) {
            throw new IllegalArgumentException(
                    "Conv2d needs outChannels, kernel, stride, groups >= 1 and padding >= 0, got "
                            + describe(outChannels, kernel, stride, padding, groups)
                            + ".");
        }
        if (outChannels % groups != 0) {
            throw new IllegalArgumentException(
                    "Conv2d outChannels "
                            + outChannels
                            + " is not divisible by groups "
                            + groups
                            + ".");
        }
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.bias = bias;
    }

    /** A convolution to {@code outChannels} with a {@code kernel x kernel} window, stride 1. */
    public static Conv2d of(long outChannels, long kernel) {
        return new Conv2d(outChannels, kernel, 1, 0, 1, true);
    }

    /** The same layer with stride {@code s} on both axes. */
    public Conv2d stride(long s) {
        return new Conv2d(outChannels, kernel, s, padding, groups, bias);
    }

    /** The same layer with {@code p} zeros of padding on every side. */
    public Conv2d padding(long p) {
        return new Conv2d(outChannels, kernel, stride, p, groups, bias);
    }

    /** The same layer with channels split into {@code g} independent groups. */
    public Conv2d groups(int g) {
        return new Conv2d(outChannels, kernel, stride, padding, g, bias);
    }

    /** The same layer without a bias. */
    public Conv2d noBias() {
        return new Conv2d(outChannels, kernel, stride, padding, groups, false);
    }

    @Override
    public String kind() {
        return "conv";
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.dimension() != 3) {
            throw new IllegalArgumentException("Conv2d takes samples (C, H, W).");
        }
        if (input.get(0) % groups != 0) {
            throw new IllegalArgumentException(
                    "input channels "
                            + input.get(0)
                            + " are not divisible by groups "
                            + groups
                            + ".");
        }
        long h = (input.get(1) + 2 * padding - kernel) / stride + 1;
        long w = (input.get(2) + 2 * padding - kernel) / stride + 1;
        if (input.get(1) + 2 * padding < kernel || input.get(2) + 2 * padding < kernel) {
            throw new IllegalArgumentException(
                    "the padded input is smaller than the " + kernel + "x" + kernel + " kernel.");
        }
        return new Shape(outChannels, h, w);
    }

    @Override
    public long parameterCount(Shape input) {
        return weightShape(input).size() + (bias ? outChannels : 0);
    }

    @Override
    public void initialize(Shape input, ParameterInit init) {
        long fanIn = input.get(0) / groups * kernel * kernel;
        init.pytorchDefault(weightShape(input).size(), fanIn);
        if (bias) {
            init.pytorchDefault(outChannels, fanIn);
        }
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        Shape ws = weightShape(ctx.inputShape());
        NDArray w = ctx.parameter(0, ws);
        NDArray b = bias ? ctx.parameter(ws.size(), new Shape(outChannels)) : null;
        return ai.djl.nn.convolutional.Conv2d.conv2d(
                        x,
                        w,
                        b,
                        new Shape(stride, stride),
                        new Shape(padding, padding),
                        new Shape(1, 1),
                        groups)
                .singletonOrThrow();
    }

    private Shape weightShape(Shape input) {
        return new Shape(outChannels, input.get(0) / groups, kernel, kernel);
    }

    @Override
    public String toString() {
        return "Conv2d("
                + describe(outChannels, kernel, stride, padding, groups)
                + (bias ? "" : ", no bias")
                + ")";
    }

    private static String describe(long out, long k, long s, long p, int g) {
        return "out="
                + out
                + ", kernel="
                + k
                + ", stride="
                + s
                + ", padding="
                + p
                + ", groups="
                + g;
    }
}

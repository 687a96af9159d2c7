package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A fully connected layer {@code y = x W^T + b}, as PyTorch's {@code nn.Linear}.
 *
 * <p>Input {@code (D)}, output {@code (out)}; parameters: weight {@code (out, D)} row-major, then
 * bias {@code (out)} unless disabled. Initialised as PyTorch: both from {@code U(-1/sqrt(D),
 * 1/sqrt(D))}.
 */
public final class Linear implements Layer {

    private final long outFeatures;
    private final boolean bias;

    private Linear(long outFeatures, boolean bias) {
        if (outFeatures < 1) {
            throw new IllegalArgumentException(
                    "Linear needs at least one output feature, got " + outFeatures + ".");
        }
        this.outFeatures = outFeatures;
        this.bias = bias;
    }

    /** A layer with {@code outFeatures} outputs and a bias. */
    public static Linear of(long outFeatures) {
        return new Linear(outFeatures, true);
    }

    /** The same layer without a bias. */
    public Linear noBias() {
        return new Linear(outFeatures, false);
    }

    @Override
    public String kind() {
        return "fc";
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.dimension() != 1) {
            throw new IllegalArgumentException(
                    "Linear takes flat samples (D); add Flatten.of() before it.");
        }
        return new Shape(outFeatures);
    }

    @Override
    public long parameterCount(Shape input) {
        return outFeatures * input.get(0) + (bias ? outFeatures : 0);
    }

    @Override
    public void initialize(Shape input, ParameterInit init) {
        long in = input.get(0);
        init.pytorchDefault(outFeatures * in, in);
        if (bias) {
            init.pytorchDefault(outFeatures, in);
        }
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        long in = ctx.inputShape().get(0);
        NDArray w = ctx.parameter(0, new Shape(outFeatures, in));
        NDArray y = x.matMul(w.transpose());
        if (bias) {
            y = y.add(ctx.parameter(outFeatures * in, new Shape(outFeatures)));
        }
        return y;
    }

    @Override
    public String toString() {
        return "Linear(" + outFeatures + (bias ? "" : ", no bias") + ")";
    }
}

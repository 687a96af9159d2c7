package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Group normalisation, as PyTorch's {@code nn.GroupNorm}: per sample, channels split into groups
 * normalised with their own mean and biased variance, then a per-channel affine map.
 *
 * <p>Input {@code (C, ...)} with {@code C} divisible by the group count; output the same shape.
 * Parameters: weight {@code (C)} initialised to one, then bias {@code (C)} initialised to zero.
 * Behaves the same in training and eval mode; no buffers.
 */
public final class GroupNorm implements Layer {

    private final int groups;
    private final double eps;

    private GroupNorm(int groups, double eps) {
        if (groups < 1 || !(eps > 0)) {
            throw new IllegalArgumentException(
                    "GroupNorm needs groups >= 1 and eps > 0, got groups="
                            + groups
                            + ", eps="
                            + eps
                            + ".");
        }
        this.groups = groups;
        this.eps = eps;
    }

    /** {@code groups} groups, {@code eps = 1e-5}. */
    public static GroupNorm of(int groups) {
        return new GroupNorm(groups, 1e-5);
    }

    /** The same layer with {@code eps} added to the variance. */
    public GroupNorm eps(double eps) {
        return new GroupNorm(groups, eps);
    }

    @Override
    public String kind() {
        return "gn";
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.dimension() < 1 || input.get(0) % groups != 0) {
            throw new IllegalArgumentException(
                    "GroupNorm takes samples (C, ...) with C divisible by groups " + groups + ".");
        }
        return input;
    }

    @Override
    public long parameterCount(Shape input) {
        return 2 * input.get(0);
    }

    @Override
    public void initialize(Shape input, ParameterInit init) {
        init.constant(input.get(0), 1);
        init.constant(input.get(0), 0);
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        Shape in = ctx.inputShape();
        long channels = in.get(0);
        Shape perChannel = Normalization.perChannelShape(in);
        NDArray g = x.reshape(x.getShape().get(0), groups, -1);
        NDArray mean = g.mean(new int[] {2}, true);
        NDArray centred = g.sub(mean);
        NDArray var = centred.square().mean(new int[] {2}, true);
        NDArray normalised;
        try (NDArray e = Scalars.like(var, eps)) {
            normalised = centred.div(var.add(e).sqrt()).reshape(x.getShape());
        }
        NDArray gamma = ctx.parameter(0, new Shape(channels)).reshape(perChannel);
        NDArray beta = ctx.parameter(channels, new Shape(channels)).reshape(perChannel);
        return normalised.mul(gamma).add(beta);
    }

    @Override
    public String toString() {
        return "GroupNorm(groups=" + groups + ", eps=" + eps + ")";
    }
}

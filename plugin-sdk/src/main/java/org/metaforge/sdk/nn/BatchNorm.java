package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Batch normalisation over the first sample axis, as PyTorch's {@code BatchNorm1d/2d}.
 *
 * <p>Input {@code (C)} (features), {@code (C, L)} or {@code (C, H, W)}; output the same shape.
 * Parameters: weight {@code (C)} initialised to one, then bias {@code (C)} initialised to zero.
 * Buffers {@code <name>.running_mean} (zeros) and {@code <name>.running_var} (ones), float32.
 *
 * <p>Training mode normalises with the batch mean and biased variance over every axis but the
 * channel axis, computed with plain differentiable ops (so the output can be differentiated twice),
 * and replaces the running statistics, without a graph, by {@code (1 - momentum) running + momentum
 * batch}, using the unbiased batch variance for {@code running_var}; the running statistics never
 * influence a training-mode output. Eval mode normalises with the running statistics and leaves the
 * state alone.
 */
public final class BatchNorm implements Layer {

    /** Buffer name suffix of the running mean. */
    public static final String RUNNING_MEAN = "running_mean";

    /** Buffer name suffix of the running variance. */
    public static final String RUNNING_VAR = "running_var";

    private final double eps;
    private final double momentum;

    private BatchNorm(double eps, double momentum) {
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(
                    "BatchNorm needs eps > 0 and momentum in [0, 1], got eps="
                            + eps
                            + ", momentum="
                            + momentum
                            + ".");
        }
        this.eps = eps;
        this.momentum = momentum;
    }

    /** PyTorch's defaults: {@code eps = 1e-5}, {@code momentum = 0.1}. */
    public static BatchNorm of() {
        return new BatchNorm(1e-5, 0.1);
    }

    /** The same layer with {@code eps} added to the variance. */
    public BatchNorm eps(double eps) {
        return new BatchNorm(eps, momentum);
    }

    /** The same layer with the running-statistics momentum (PyTorch's convention). */
    public BatchNorm momentum(double momentum) {
        return new BatchNorm(eps, momentum);
    }

    @Override
    public String kind() {
        return "bn";
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.dimension() < 1 || input.dimension() > 3) {
            throw new IllegalArgumentException("BatchNorm takes samples (C), (C, L) or (C, H, W).");
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
    public void initializeState(String name, Shape input, ModelState state, NDManager manager) {
        Shape c = new Shape(input.get(0));
        state.put(name + "." + RUNNING_MEAN, manager.zeros(c));
        state.put(name + "." + RUNNING_VAR, manager.ones(c));
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        Shape in = ctx.inputShape();
        long channels = in.get(0);
        Shape perChannel = Normalization.perChannelShape(in);
        int[] axes = new int[in.dimension()];
        axes[0] = 0;
        for (int i = 1; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        NDArray gamma = ctx.parameter(0, new Shape(channels)).reshape(perChannel);
        NDArray beta = ctx.parameter(channels, new Shape(channels)).reshape(perChannel);
        NDArray mean;
        NDArray var;
        if (ctx.training()) {
            long n = x.getShape().size() / channels;
            if (n < 2) {
                throw new IllegalArgumentException(
                        "BatchNorm '"
                                + ctx.name()
                                + "' needs more than one value per channel in training mode;"
                                + " use a larger batch or eval mode.");
            }
            mean = Normalization.mean(x, axes, true);
            var = Normalization.mean(x.sub(mean).square(), axes, true);
            updateRunning(ctx, RUNNING_MEAN, mean.reshape(channels));
            updateRunning(ctx, RUNNING_VAR, var.reshape(channels).mul((double) n / (n - 1)));
        } else {
            mean = ctx.buffer(RUNNING_MEAN).reshape(perChannel);
            var = ctx.buffer(RUNNING_VAR).reshape(perChannel);
        }
        try (NDArray e = Scalars.like(var, eps)) {
            return x.sub(mean).div(var.add(e).sqrt()).mul(gamma).add(beta);
        }
    }

    private void updateRunning(LayerContext ctx, String buffer, NDArray batchValue) {
        NDArray running = ctx.buffer(buffer);
        NDArray batch = batchValue.stopGradient();
        ctx.updateBuffer(buffer, running.mul(1 - momentum).add(batch.mul(momentum)));
    }

    @Override
    public String toString() {
        return "BatchNorm(eps=" + eps + ", momentum=" + momentum + ")";
    }
}

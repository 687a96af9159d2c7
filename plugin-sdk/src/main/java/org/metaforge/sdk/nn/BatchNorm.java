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
 *
 * <p>{@link #fusedKernel()} computes the same function with the engine's batch-norm kernel (one
 * node in the graph instead of about ten, and a fused backward): faster, equal to the composed form
 * up to rounding, and what a network should use when it is differentiated once, such as the
 * zero-shot generator; the composed form stays the default because the second-order users (MAML,
 * forward-mode hypergradients) were validated on it.
 */
public final class BatchNorm implements Layer {

    /** Buffer name suffix of the running mean. */
    public static final String RUNNING_MEAN = "running_mean";

    /** Buffer name suffix of the running variance. */
    public static final String RUNNING_VAR = "running_var";

    private final double eps;
    private final double momentum;
    private final boolean fused;

    private BatchNorm(double eps, double momentum, boolean fused) {
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
        this.fused = fused;
    }

    /** PyTorch's defaults: {@code eps = 1e-5}, {@code momentum = 0.1}. */
    public static BatchNorm of() {
        return new BatchNorm(1e-5, 0.1, false);
    }

    /** The same layer with {@code eps} added to the variance. */
    public BatchNorm eps(double eps) {
        return new BatchNorm(eps, momentum, fused);
    }

    /** The same layer with the running-statistics momentum (PyTorch's convention). */
    public BatchNorm momentum(double momentum) {
        return new BatchNorm(eps, momentum, fused);
    }

    /**
     * The same layer computed by the engine's fused batch-norm kernel, in less time: the same
     * outputs and gradients up to rounding, and the same running statistics up to the momentum's
     * last bits (DJL hands the kernel a float: 0.1 becomes 0.100000024).
     */
    public BatchNorm fusedKernel() {
        return new BatchNorm(eps, momentum, true);
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
        if (ctx.training() && x.getShape().size() / channels < 2) {
            throw new IllegalArgumentException(
                    "BatchNorm '"
                            + ctx.name()
                            + "' needs more than one value per channel in training mode;"
                            + " use a larger batch or eval mode.");
        }
        if (fused) {
            return fusedForward(x, ctx, channels);
        }
        NDArray gamma = ctx.parameter(0, new Shape(channels)).reshape(perChannel);
        NDArray beta = ctx.parameter(channels, new Shape(channels)).reshape(perChannel);
        NDArray mean;
        NDArray var;
        if (ctx.training()) {
            long n = x.getShape().size() / channels;
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

    /**
     * The engine's kernel on copies of the running statistics (it updates them in place, with the
     * unbiased batch variance, as the composed form does), which then replace the buffers.
     */
    private NDArray fusedForward(NDArray x, LayerContext ctx, long channels) {
        NDArray gamma = ctx.parameter(0, new Shape(channels));
        NDArray beta = ctx.parameter(channels, new Shape(channels));
        // Copies in training mode, which the kernel updates; eval mode only reads them.
        boolean training = ctx.training();
        NDArray runningMean = ctx.buffer(RUNNING_MEAN).toType(x.getDataType(), training);
        NDArray runningVar = ctx.buffer(RUNNING_VAR).toType(x.getDataType(), training);
        // DJL's momentum is the weight of the old running value, 1 - PyTorch's.
        NDArray y =
                ai.djl.nn.norm.BatchNorm.batchNorm(
                                x,
                                runningMean,
                                runningVar,
                                gamma,
                                beta,
                                1,
                                (float) (1 - momentum),
                                (float) eps,
                                training)
                        .singletonOrThrow();
        if (training) {
            ctx.updateBuffer(RUNNING_MEAN, runningMean);
            ctx.updateBuffer(RUNNING_VAR, runningVar);
        }
        return y;
    }

    private void updateRunning(LayerContext ctx, String buffer, NDArray batchValue) {
        NDArray running = ctx.buffer(buffer);
        NDArray batch = batchValue.stopGradient();
        ctx.updateBuffer(buffer, running.mul(1 - momentum).add(batch.mul(momentum)));
    }

    @Override
    public String toString() {
        return "BatchNorm(eps="
                + eps
                + ", momentum="
                + momentum
                + (fused ? ", fused kernel" : "")
                + ")";
    }
}

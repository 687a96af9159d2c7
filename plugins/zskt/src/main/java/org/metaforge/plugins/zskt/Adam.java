package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Adam (Kingma and Ba 2015) on one flat parameter vector with gradient-norm clipping, as PyTorch's
 * {@code clip_grad_norm_} followed by {@code torch.optim.Adam} without weight decay.
 *
 * <p>The moments belong to the caller (they are checkpointed with the step count); updates happen
 * in place, outside any gradient graph.
 */
final class Adam {

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    /** {@code clip_grad_norm_}'s guard against division by zero. */
    static final double CLIP_EPS = 1e-6;

    private Adam() {}

    /**
     * Scales {@code g} in place so that its L2 norm is at most {@code maxNorm} (no-op for {@code
     * maxNorm <= 0}); returns the norm before scaling.
     */
    static double clip(NDArray g, double maxNorm) {
        double norm = g.square().sum().toType(DataType.FLOAT64, false).getDouble();
        norm = Math.sqrt(norm);
        if (maxNorm > 0 && norm > maxNorm) {
            g.muli(maxNorm / (norm + CLIP_EPS));
        }
        return norm;
    }

    /**
     * Applies update number {@code t} (1 for the first) to {@code w} and its moments.
     *
     * @param w parameters, updated in place
     * @param m first moment, zeros before the first step
     * @param v second moment, zeros before the first step
     * @param g the (clipped) gradient at {@code w}
     */
    static void step(NDArray w, NDArray m, NDArray v, NDArray g, long t, double lr) {
        if (t < 1) {
            throw new IllegalArgumentException("Adam steps count from 1, got " + t + ".");
        }
        m.muli(BETA1).addi(g.mul(1 - BETA1));
        v.muli(BETA2).addi(g.square().mul(1 - BETA2));
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        w.subi(m.div(c1).div(v.div(c2).sqrt().add(EPS)).mul(lr));
    }

    /**
     * PyTorch's {@code CosineAnnealingLR} to zero: the rate after {@code step} of {@code total}.
     */
    static double cosine(double peak, long step, long total) {
        return 0.5 * peak * (1 + Math.cos(Math.PI * step / total));
    }
}

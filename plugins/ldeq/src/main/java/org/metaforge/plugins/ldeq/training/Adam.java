package org.metaforge.plugins.ldeq.training;

import ai.djl.ndarray.NDArray;

/**
 * Adam (Kingma and Ba, 2015) on one flat parameter vector, as PyTorch's {@code torch.optim.Adam}
 * without weight decay; updates {@code w}, {@code m} and {@code v} in place.
 *
 * <p>Temporaries land on the manager of the first operand: temp-attach {@code w}, {@code m} and
 * {@code v} to the step's sub-manager so they are freed with the step.
 */
final class Adam {

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    private Adam() {}

    /** Applies update number {@code t} (from 1) with gradient {@code g} and learning rate lr. */
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

    /** The cosine schedule from {@code peak} at step 0 to zero at {@code total}. */
    static double cosine(double peak, long step, long total) {
        return total <= 0 ? peak : 0.5 * peak * (1 + Math.cos(Math.PI * step / (double) total));
    }
}

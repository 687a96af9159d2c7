package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;

/**
 * Adam (Kingma and Ba, 2015) on one flat parameter vector, as PyTorch's {@code torch.optim.Adam}
 * without weight decay.
 *
 * <p>{@code m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2; w <- w - lr (m / (1 - b1^t)) /
 * (sqrt(v / (1 - b2^t)) + eps)}. The moments are arrays the caller owns (e.g. to checkpoint them);
 * updates happen in place. Temporaries land on the manager of {@code w}: temp-attach the arrays to
 * a step's sub-manager to free them with the step.
 */
final class Adam {

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    private Adam() {}

    /**
     * Applies update number {@code t} (1 for the first) to {@code w} and its moments.
     *
     * @param w parameters, updated in place
     * @param m first moment, shaped like {@code w}, zeros before the first step
     * @param v second moment, shaped like {@code w}, zeros before the first step
     * @param g the gradient at {@code w}
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
}

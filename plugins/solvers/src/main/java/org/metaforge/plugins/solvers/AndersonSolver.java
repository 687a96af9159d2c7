package org.metaforge.plugins.solvers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.metaforge.sdk.Solver;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.solver.FixedPointResult;
import org.pf4j.Extension;

/**
 * Anderson acceleration (Walker and Ni 2011, as used by the DEQ and LDEQ papers): each step
 * combines the last m iterates {@code x_i} and map values {@code f(x_i)} with the weights {@code a}
 * of least residual norm, {@code x <- sum_i a_i (x_i + beta (f(x_i) - x_i))}.
 *
 * <p>The weights solve a regularised least-squares problem per sample ({@link MixingWeights}), the
 * residuals' Gram matrix coming from one batched matrix product. The regularisation is relative to
 * the history's largest squared residual norm: the reference's unscaled one would dominate once
 * residuals fall below its square root and stall the acceleration there.
 *
 * <p>Safeguard: when a sample's history is singular or ill-conditioned (repeated iterates,
 * residuals that stay in a subspace, a zero or non-finite Gram matrix), its history restarts at the
 * newest iterate and it takes a plain (beta-damped) step.
 */
@Extension
public class AndersonSolver implements Solver<AndersonConfig> {

    @Override
    public String name() {
        return "anderson";
    }

    @Override
    public String description() {
        return "Anderson acceleration: each step mixes the last m iterates by the weights of least"
                + " residual, returning each sample's lowest-residual iterate.";
    }

    @Override
    public Class<AndersonConfig> configType() {
        return AndersonConfig.class;
    }

    @Override
    public FixedPointResult solve(
            RunContext context, AndersonConfig config, UnaryOperator<NDArray> f, NDArray z0) {
        try (Solve s = new Solve(context, config.stopping(), f, z0)) {
            // a solve of n evaluations takes n - 1 steps: more memory than that is never filled
            int m = Math.min(config.memory(), Math.max(1, config.maxIterations() - 1));
            int batch = s.batch();
            // the Gram matrix is only as precise as the iterates' data type
            double pivotTolerance = 100 * s.epsilon();
            NDArray iterates = s.zeros(batch, m, s.width());
            NDArray residuals = s.zeros(batch, m, s.width());
            int[] filledAt = new int[m];
            Arrays.fill(filledAt, -1);
            int[] validFrom = new int[batch];
            NDArray z = s.start(z0);
            NDArray fz = s.evaluate(z);
            for (int k = 0; !s.finished(); k++) {
                int slot = k % m;
                iterates.set(new NDIndex(":, {}", slot), z);
                residuals.set(new NDIndex(":, {}", slot), fz.sub(z));
                filledAt[slot] = k;
                double[] gram = Solve.host(residuals.matMul(residuals.transpose(0, 2, 1)));
                double[] weights = new double[batch * m];
                for (int b = 0; b < batch; b++) {
                    double[] w =
                            weights(
                                    gram,
                                    b,
                                    m,
                                    filledAt,
                                    validFrom[b],
                                    config.lambda(),
                                    pivotTolerance);
                    if (w == null) {
                        validFrom[b] = k;
                        weights[b * m + slot] = 1;
                    } else {
                        System.arraycopy(w, 0, weights, b * m, m);
                    }
                }
                NDArray a = s.create(weights, batch, 1, m);
                z = a.matMul(iterates).add(a.matMul(residuals).mul(config.beta())).squeeze(1);
                fz = s.evaluate(z);
                s.carry(z, fz, iterates, residuals);
            }
            return s.result();
        }
    }

    /**
     * Sample {@code b}'s weights over all m slots (zero for slots that are empty or older than its
     * last restart), or null when its history cannot be trusted.
     */
    private static double[] weights(
            double[] gram,
            int b,
            int m,
            int[] filledAt,
            int validFrom,
            double lambda,
            double pivotTolerance) {
        int[] slots = new int[m];
        int n = 0;
        for (int j = 0; j < m; j++) {
            if (filledAt[j] >= validFrom) {
                slots[n++] = j;
            }
        }
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                g[i][j] = gram[(b * m + slots[i]) * m + slots[j]];
            }
        }
        double[] w = MixingWeights.solve(g, lambda, pivotTolerance);
        if (w == null) {
            return null;
        }
        double[] all = new double[m];
        for (int i = 0; i < n; i++) {
            all[slots[i]] = w[i];
        }
        return all;
    }
}

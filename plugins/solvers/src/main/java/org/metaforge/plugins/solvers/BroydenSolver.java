package org.metaforge.plugins.solvers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.function.UnaryOperator;
import org.metaforge.sdk.Solver;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.solver.FixedPointResult;
import org.pf4j.Extension;

/**
 * Broyden's quasi-Newton method on {@code g(z) = f(z) - z}, without line search, as in the DEQ and
 * LDEQ papers: full steps {@code z <- z - J^-1 g(z)} with the inverse Jacobian estimate {@code J^-1
 * = -I + sum_i u_i v_i^T} kept as at most {@code memory} rank-one terms per sample; when the memory
 * is full the estimate restarts at {@code -I}. The first step from {@code -I} is a plain
 * fixed-point step.
 *
 * <p>After a step {@code s} with residual change {@code y}, the good method adds {@code u = (s -
 * J^-1 y) / (s^T J^-1 y)}, {@code v = J^-T s} (Sherman-Morrison form of the least change to the
 * Jacobian); the bad method adds {@code u = (s - J^-1 y) / (y^T y)}, {@code v = y}.
 *
 * <p>Safeguards, per sample: an update is skipped when its denominator is zero, tiny against the
 * norms of its factors, or not finite, or when the residual changed by less than the square root of
 * the machine epsilon relative to the residual (a change lost in rounding, as on a plateau); a step
 * that is not finite is replaced by the plain step and the sample's estimate restarts at {@code
 * -I}.
 */
@Extension
public class BroydenSolver implements Solver<BroydenConfig> {

    /** Updates whose denominator is below this fraction of its factors' norms are skipped. */
    private static final double MIN_DENOMINATOR = 1e-10;

    @Override
    public String name() {
        return "broyden";
    }

    @Override
    public String description() {
        return "Limited-memory Broyden (good or bad update, no line search) on f(z) - z, returning"
                + " each sample's lowest-residual iterate.";
    }

    @Override
    public Class<BroydenConfig> configType() {
        return BroydenConfig.class;
    }

    @Override
    public FixedPointResult solve(
            RunContext context, BroydenConfig config, UnaryOperator<NDArray> f, NDArray z0) {
        try (Solve s = new Solve(context, config.stopping(), f, z0)) {
            // a solve of n evaluations makes n - 1 updates: more memory than that is never filled
            int m = Math.min(config.memory(), Math.max(1, config.maxIterations() - 1));
            int batch = s.batch();
            NDArray us = s.zeros(batch, m, s.width());
            NDArray vs = s.zeros(batch, m, s.width());
            int slot = 0;
            NDArray z = s.start(z0);
            NDArray g = s.evaluate(z).sub(z);
            while (!s.finished()) {
                NDArray step = g.sub(lowRank(us, vs, g));
                boolean[] bad = notFinite(step);
                if (any(bad)) {
                    step = NDArrays.where(s.mask(bad), g, step);
                    for (int b = 0; b < batch; b++) {
                        if (bad[b]) {
                            us.set(new NDIndex("{}", b), 0);
                            vs.set(new NDIndex("{}", b), 0);
                        }
                    }
                }
                NDArray next = z.add(step);
                NDArray gNext = s.evaluate(next).sub(next);
                if (!s.finished()) {
                    NDArray y = gNext.sub(g);
                    NDArray jy = lowRank(us, vs, y).sub(y);
                    NDArray v =
                            config.method() == BroydenMethod.GOOD
                                    ? lowRank(vs, us, step).sub(step)
                                    : y;
                    double[] h =
                            Solve.host(
                                    NDArrays.stack(
                                            new NDList(
                                                    v.mul(y).sum(new int[] {1}),
                                                    v.norm(new int[] {1}),
                                                    y.norm(new int[] {1}),
                                                    g.norm(new int[] {1}))));
                    double noise = Math.sqrt(s.epsilon());
                    double[] scale = new double[batch];
                    boolean[] kept = new boolean[batch];
                    for (int b = 0; b < batch; b++) {
                        double denominator = h[b];
                        double bound = MIN_DENOMINATOR * h[batch + b] * h[2 * batch + b];
                        // a residual change lost in the residual's rounding says nothing about J
                        boolean informative = h[2 * batch + b] > noise * h[3 * batch + b];
                        kept[b] =
                                informative
                                        && Double.isFinite(denominator)
                                        && Math.abs(denominator) > bound;
                        scale[b] = kept[b] ? 1 / denominator : 0;
                    }
                    if (any(kept)) {
                        NDArray keep = s.mask(kept);
                        NDArray u = step.sub(jy).mul(s.create(scale, batch, 1));
                        if (slot == m) {
                            // memory full: restart at -I; overwriting just the oldest term breaks
                            // the chain of Sherman-Morrison updates (the good method then stalls)
                            us.set(new NDIndex(":"), 0);
                            vs.set(new NDIndex(":"), 0);
                            slot = 0;
                        }
                        us.set(new NDIndex(":, {}", slot), NDArrays.where(keep, u, u.zerosLike()));
                        vs.set(new NDIndex(":, {}", slot), NDArrays.where(keep, v, v.zerosLike()));
                        slot++;
                    }
                }
                z = next;
                g = gNext;
                s.carry(z, g, us, vs);
            }
            return s.result();
        }
    }

    /** {@code sum_i left_i (right_i . x)} per sample; {@code left, right} are {@code (B, m, D)}. */
    private static NDArray lowRank(NDArray left, NDArray right, NDArray x) {
        NDArray coefficients = right.matMul(x.expandDims(2));
        return coefficients.transpose(0, 2, 1).matMul(left).squeeze(1);
    }

    private static boolean[] notFinite(NDArray rows) {
        double[] norms = Solve.host(rows.norm(new int[] {1}));
        boolean[] out = new boolean[norms.length];
        for (int b = 0; b < norms.length; b++) {
            out[b] = !Double.isFinite(norms[b]);
        }
        return out;
    }

    private static boolean any(boolean[] flags) {
        for (boolean f : flags) {
            if (f) {
                return true;
            }
        }
        return false;
    }
}

package org.metaforge.plugins.solvers;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;
import org.metaforge.sdk.Solver;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.solver.FixedPointResult;
import org.pf4j.Extension;

/**
 * Plain fixed-point iteration {@code z <- f(z)}, optionally damped: {@code z <- d z + (1 - d)
 * f(z)}. Converges linearly for a contraction, at the rate of its Lipschitz constant.
 */
@Extension
public class FixedPointSolver implements Solver<FixedPointConfig> {

    @Override
    public String name() {
        return "fixed-point";
    }

    @Override
    public String description() {
        return "Fixed-point iteration z <- f(z), optionally damped, returning each sample's"
                + " lowest-residual iterate.";
    }

    @Override
    public Class<FixedPointConfig> configType() {
        return FixedPointConfig.class;
    }

    @Override
    public FixedPointResult solve(
            RunContext context, FixedPointConfig config, UnaryOperator<NDArray> f, NDArray z0) {
        double d = config.damping();
        try (Solve s = new Solve(context, config.stopping(), f, z0)) {
            NDArray z = s.start(z0);
            NDArray fz = s.evaluate(z);
            while (!s.finished()) {
                z = d == 0 ? fz : z.mul(d).add(fz.mul(1 - d));
                fz = s.evaluate(z);
                s.carry(z, fz);
            }
            return s.result();
        }
    }
}

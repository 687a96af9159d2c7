package org.metaforge.plugins.ldeq.model;

import java.util.Map;
import org.metaforge.plugins.solvers.AndersonConfig;
import org.metaforge.plugins.solvers.AndersonSolver;
import org.metaforge.plugins.solvers.FixedPointConfig;
import org.metaforge.plugins.solvers.FixedPointSolver;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.solver.BoundSolver;

/** Real solver components bound for tests. */
public final class TestSolvers {

    private TestSolvers() {}

    public static BoundSolver anderson(RunContext context, Map<String, ?> config) {
        AndersonConfig c = ConfigSchema.of(AndersonConfig.class).bind(config, "test anderson");
        AndersonSolver s = new AndersonSolver();
        return (f, z0) -> s.solve(context, c, f, z0);
    }

    public static BoundSolver fixedPoint(RunContext context, Map<String, ?> config) {
        FixedPointConfig c = ConfigSchema.of(FixedPointConfig.class).bind(config, "test fpi");
        FixedPointSolver s = new FixedPointSolver();
        return (f, z0) -> s.solve(context, c, f, z0);
    }
}

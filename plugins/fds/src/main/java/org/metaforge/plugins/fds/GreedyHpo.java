package org.metaforge.plugins.fds;

import org.metaforge.sdk.GradientChecked;
import org.metaforge.sdk.MetaOptimizer;
import org.metaforge.sdk.config.Validation;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.pf4j.Extension;

/**
 * The greedy (short-horizon) comparator of {@link ForwardHpo}: the same inner loop, tangents and
 * sign-based outer steps, but each inner run is cut into short windows; the tangents restart at
 * every window and the hyperparameters move right after it, by the hypergradient of the validation
 * loss at the window's end. Each hyperparameter therefore only sees the effect of its own window,
 * the myopia the long-horizon method removes. At the same inner-epoch budget it also costs less per
 * step: a window only carries the tangents of the blocks it reaches.
 */
@Extension
public class GreedyHpo
        implements MetaOptimizer<ForwardHpoConfig>, GradientChecked<ForwardHpoConfig> {

    @Override
    public String name() {
        return "greedy-hpo";
    }

    @Override
    public String description() {
        return "Greedy (short-horizon) gradient-based HPO: the schedules of fds/forward-hpo learned"
                + " window by window, each from the validation loss at its window's end.";
    }

    @Override
    public Class<ForwardHpoConfig> configType() {
        return ForwardHpoConfig.class;
    }

    @Override
    public void validate(ForwardHpoConfig c, Validation v) {
        if (c.windows() == 1) {
            v.problem(
                    "windows",
                    "1 window is the non-greedy method: use fds/forward-hpo, or at least 2 windows");
        }
        ForwardHpo.validateRetraining(c, v);
    }

    @Override
    public RunResult optimize(RunContext ctx, ForwardHpoConfig c, Task task) {
        return ForwardHpo.optimize(ctx, c, task, "fds/greedy-hpo", windows(c));
    }

    /**
     * Checks every window's hypergradients against central finite differences of the validation
     * loss at the window's end, the hyperparameter changed from the window's start on.
     */
    @Override
    public RunResult gradcheck(
            RunContext ctx, ForwardHpoConfig c, Task task, int steps, double epsilon) {
        return Gradcheck.run(ctx, c, task, steps, epsilon, windows(c));
    }

    /** The number of windows per inner run: as configured, else one per learning-rate block. */
    static int windows(ForwardHpoConfig c) {
        return c.windows() == 0 ? Math.max(2, c.lrBlocks()) : c.windows();
    }
}

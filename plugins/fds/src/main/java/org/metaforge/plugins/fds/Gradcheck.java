package org.metaforge.plugins.fds;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;

/**
 * Checks forward-mode hypergradients against central finite differences of the validation loss:
 * float64, clamps and pruning off, the inner loop re-run at {@code h_j +- epsilon} for every block
 * {@code j} of every learned kind. Oracle: {@code (L(h+eps) - L(h-eps)) / 2 eps}, with the step
 * refined past kinks (see {@link #difference}).
 *
 * <p>Non-greedy ({@code windows = 1}): the derivative of the final validation loss. Greedy: for
 * every window, the derivative of the validation loss at the window's end with respect to the
 * hyperparameters of the blocks it reaches, changed from the window's start on (the weights at the
 * start held fixed): exactly what the greedy method's restarted tangents compute.
 */
final class Gradcheck {

    private Gradcheck() {}

    /** The fixed parts of a check: data, model, first weights, shuffle seed. */
    private record Setup(
            FunctionalModel model,
            LabeledImages data,
            LabeledImages validation,
            Set<HyperKind> tracked,
            long shuffle) {}

    static RunResult run(
            RunContext ctx, ForwardHpoConfig c, Task task, int steps, double eps, int windows) {
        Setup setup = setup(ctx, c, task, steps);
        Schedule schedule = c.initialSchedule();
        long windowSteps = windows > 1 ? (steps + windows - 1L) / windows : 0;
        Checker checker = new Checker(ctx);
        try (NDManager m = ctx.manager().newSubManager()) {
            NDArray w0 =
                    setup.model()
                            .initialParameters(m, ctx.seeds().derive("init", 0))
                            .toType(DataType.FLOAT64, false);
            ModelState s0 = setup.model().newState(m);
            if (windowSteps == 0) {
                nonGreedy(ctx, c, setup, schedule, w0, s0, eps, checker);
            } else {
                greedy(ctx, c, setup, schedule, windowSteps, w0, s0, eps, checker);
            }
        }
        return RunResult.builder()
                .metric("max_relative_error", checker.worst)
                .metric("steps", steps)
                .metric("checked", checker.table.size())
                .artifact("table", checker.table)
                .build();
    }

    private static Setup setup(RunContext ctx, ForwardHpoConfig c, Task task, int steps) {
        LabeledImages train = task.train();
        FunctionalModel model = c.network(train);
        LabeledImages.Split split =
                train.split(c.validationFraction(), ctx.seeds().derive("split", 0));
        int samples = steps * c.batchSize();
        if (samples > split.train().size()) {
            throw new RunFailedException(
                    steps
                            + " steps of "
                            + c.batchSize()
                            + " samples need "
                            + samples
                            + " training samples; the split has "
                            + split.train().size()
                            + ". Use fewer steps or a smaller batch size.");
        }
        int[] first = new int[samples];
        for (int i = 0; i < samples; i++) {
            first[i] = i;
        }
        Set<HyperKind> tracked = EnumSet.noneOf(HyperKind.class);
        for (HyperKind k : HyperKind.values()) {
            if (c.learns(k)) {
                tracked.add(k);
            }
        }
        return new Setup(
                model,
                split.train().subset("gradcheck-train", first),
                split.validation(),
                tracked,
                ctx.seeds().derive("shuffle", 0));
    }

    private static void nonGreedy(
            RunContext ctx,
            ForwardHpoConfig c,
            Setup setup,
            Schedule schedule,
            NDArray w0,
            ModelState s0,
            double eps,
            Checker checker) {
        InnerLoop.Options tracked =
                new InnerLoop.Options(c.batchSize(), 1, setup.tracked(), 0, 0, 0, "alternate");
        InnerLoop.Options plain =
                new InnerLoop.Options(c.batchSize(), 1, Set.of(), 0, 0, 0, "alternate");
        TrackedRun r =
                InnerLoop.run(
                        ctx,
                        setup.model(),
                        w0,
                        s0,
                        setup.data(),
                        schedule,
                        tracked,
                        setup.shuffle(),
                        null);
        Map<HyperKind, double[]> analytic = new EnumMap<>(HyperKind.class);
        try (NDArray g = validationGradient(ctx, c, setup, r.weights(), r.state())) {
            for (HyperKind k : setup.tracked()) {
                analytic.put(k, Hypergradients.raw(g, r.tangents().get(k)));
            }
        }
        r.close();
        ToDoubleFunction<Schedule> lossOf =
                h -> {
                    TrackedRun p =
                            InnerLoop.run(
                                    ctx,
                                    setup.model(),
                                    w0,
                                    s0,
                                    setup.data(),
                                    h,
                                    plain,
                                    setup.shuffle(),
                                    null);
                    try {
                        return validationLoss(ctx, c, setup, p.weights(), p.state());
                    } finally {
                        p.close();
                    }
                };
        for (HyperKind k : setup.tracked()) {
            for (int j = 0; j < schedule.blocks(k); j++) {
                checker.check(
                        k.key + "[" + j + "]",
                        schedule.values(k)[j],
                        analytic.get(k)[j],
                        difference(lossOf, schedule, k, j, eps));
            }
        }
    }

    /** One greedy window's analytic hypergradients, per kind (NaN outside the window). */
    private record WindowGradients(
            long from, long to, Map<HyperKind, double[]> raw, Map<HyperKind, int[]> blocks) {}

    private static void greedy(
            RunContext ctx,
            ForwardHpoConfig c,
            Setup setup,
            Schedule schedule,
            long windowSteps,
            NDArray w0,
            ModelState s0,
            double eps,
            Checker checker) {
        InnerLoop.Options tracked =
                new InnerLoop.Options(
                        c.batchSize(), 1, setup.tracked(), 0, 0, 0, "alternate", windowSteps);
        InnerLoop.Options plain =
                new InnerLoop.Options(
                        c.batchSize(), 1, Set.of(), 0, 0, 0, "alternate", windowSteps);
        List<WindowGradients> windows = new ArrayList<>();
        InnerLoop.run(
                        ctx,
                        setup.model(),
                        w0,
                        s0,
                        setup.data(),
                        schedule,
                        tracked,
                        setup.shuffle(),
                        null,
                        win -> {
                            Map<HyperKind, double[]> raw = new EnumMap<>(HyperKind.class);
                            Map<HyperKind, int[]> blocks = new EnumMap<>(HyperKind.class);
                            try (NDArray g =
                                    validationGradient(ctx, c, setup, win.weights(), win.state())) {
                                for (HyperKind k : setup.tracked()) {
                                    raw.put(k, Hypergradients.raw(g, win.tangents().get(k)));
                                    blocks.put(k, new int[] {win.firstBlock(k), win.lastBlock(k)});
                                }
                            }
                            windows.add(new WindowGradients(win.from(), win.to(), raw, blocks));
                            return win.schedule();
                        })
                .close();
        for (int i = 0; i < windows.size(); i++) {
            WindowGradients wg = windows.get(i);
            int window = i;
            // The loss at this window's end with h changed from the window's start on.
            ToDoubleFunction<Schedule> lossOf =
                    h -> {
                        double[] out = {Double.NaN};
                        int[] seen = {0};
                        InnerLoop.run(
                                        ctx,
                                        setup.model(),
                                        w0,
                                        s0,
                                        setup.data(),
                                        window == 0 ? h : schedule,
                                        plain,
                                        setup.shuffle(),
                                        null,
                                        win -> {
                                            if (seen[0]++ < window) {
                                                return seen[0] == window ? h : win.schedule();
                                            }
                                            out[0] =
                                                    validationLoss(
                                                            ctx,
                                                            c,
                                                            setup,
                                                            win.weights(),
                                                            win.state());
                                            return null;
                                        })
                                .close();
                        return out[0];
                    };
            for (HyperKind k : setup.tracked()) {
                int[] range = wg.blocks().get(k);
                for (int j = range[0]; j <= range[1]; j++) {
                    checker.check(
                            String.format(Locale.ROOT, "w%d %s[%d]", window + 1, k.key, j),
                            schedule.values(k)[j],
                            wg.raw().get(k)[j],
                            difference(lossOf, schedule, k, j, eps));
                }
            }
        }
    }

    private static NDArray validationGradient(
            RunContext ctx, ForwardHpoConfig c, Setup setup, NDArray w, ModelState state) {
        return OuterObjective.objective(
                        ctx.autodiff(),
                        setup.model(),
                        w,
                        state,
                        setup.validation(),
                        c.validationBatchSize(),
                        true)
                .gradient();
    }

    private static double validationLoss(
            RunContext ctx, ForwardHpoConfig c, Setup setup, NDArray w, ModelState state) {
        return OuterObjective.objective(
                        ctx.autodiff(),
                        setup.model(),
                        w,
                        state,
                        setup.validation(),
                        c.validationBatchSize(),
                        false)
                .loss();
    }

    /** Collects the rows of the table and the worst relative error. */
    private static final class Checker {
        private final RunContext ctx;
        private final List<Map<String, Object>> table = new ArrayList<>();
        private double worst;

        Checker(RunContext ctx) {
            this.ctx = ctx;
        }

        void check(String name, double value, double analytic, Difference d) {
            double numeric = d.value();
            double err =
                    Math.abs(analytic - numeric)
                            / Math.max(1e-12, Math.max(Math.abs(analytic), Math.abs(numeric)));
            worst = Math.max(worst, err);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("hyperparameter", name);
            row.put("value", value);
            row.put("forward_mode", analytic);
            row.put("finite_difference", numeric);
            row.put("epsilon", d.epsilon());
            row.put("relative_error", err);
            table.add(row);
            ctx.info(
                    String.format(
                            Locale.ROOT,
                            "%-16s forward %+.10e  finite-diff %+.10e  rel.err %.2e",
                            name,
                            analytic,
                            numeric,
                            err));
        }
    }

    /**
     * A central difference that steps over kinks: ReLU, max-pool and batch-norm make the final loss
     * piecewise smooth in the hyperparameters, and a difference across a kink is no oracle.
     * Starting from {@code eps}, the step is divided by 10 until two successive differences agree
     * to {@link #AGREEMENT} relative (at most {@link #REFINEMENTS} times); the smaller step's value
     * is returned, or the closest-agreeing pair's when none agree.
     */
    private static Difference difference(
            java.util.function.ToDoubleFunction<Schedule> lossOf,
            Schedule schedule,
            HyperKind k,
            int j,
            double eps) {
        double previous = Double.NaN;
        Difference best = null;
        double bestGap = Double.POSITIVE_INFINITY;
        double e = eps;
        for (int i = 0; i <= REFINEMENTS; i++, e /= 10) {
            double[] plus = schedule.values(k);
            double[] minus = schedule.values(k);
            plus[j] += e;
            minus[j] -= e;
            double lp = lossOf.applyAsDouble(schedule.with(k, plus));
            double lm = lossOf.applyAsDouble(schedule.with(k, minus));
            double fd = (lp - lm) / (2 * e);
            if (i > 0) {
                double gap =
                        Math.abs(fd - previous)
                                / Math.max(1e-300, Math.max(Math.abs(fd), Math.abs(previous)));
                if (gap < bestGap) {
                    bestGap = gap;
                    best = new Difference(fd, e);
                }
                if (gap <= AGREEMENT) {
                    return best;
                }
            }
            previous = fd;
        }
        return best;
    }

    /** Two successive differences agreeing this closely are taken as the derivative. */
    static final double AGREEMENT = 1e-7;

    /** How many times the step is divided by 10 at most. */
    static final int REFINEMENTS = 3;

    /** A finite difference and the step that gave it. */
    private record Difference(double value, double epsilon) {}
}

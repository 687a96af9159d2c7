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
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;

/**
 * Checks forward-mode hypergradients against central finite differences of the final validation
 * loss: float64, clamps and pruning off, the inner loop re-run at {@code h_j +- epsilon} for every
 * block {@code j} of every learned kind. Oracle: {@code (L(h+eps) - L(h-eps)) / 2 eps}, with the
 * step refined past kinks (see {@link #difference}).
 */
final class Gradcheck {

    private Gradcheck() {}

    static RunResult run(RunContext ctx, ForwardHpoConfig c, Task task, int steps, double eps) {
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
        LabeledImages data = split.train().subset("gradcheck-train", first);
        Schedule schedule = c.initialSchedule();
        Set<HyperKind> tracked = EnumSet.noneOf(HyperKind.class);
        for (HyperKind k : HyperKind.values()) {
            if (c.learns(k)) {
                tracked.add(k);
            }
        }
        long shuffle = ctx.seeds().derive("shuffle", 0);
        InnerLoop.Options trackedOptions =
                new InnerLoop.Options(c.batchSize(), 1, tracked, 0, 0, 0, "alternate");
        InnerLoop.Options plain =
                new InnerLoop.Options(c.batchSize(), 1, Set.of(), 0, 0, 0, "alternate");
        List<Map<String, Object>> table = new ArrayList<>();
        double worst = 0;
        try (NDManager m = ctx.manager().newSubManager()) {
            NDArray w0 =
                    model.initialParameters(m, ctx.seeds().derive("init", 0))
                            .toType(DataType.FLOAT64, false);
            ModelState s0 = model.newState(m);
            TrackedRun r =
                    InnerLoop.run(
                            ctx, model, w0, s0, data, schedule, trackedOptions, shuffle, null);
            OuterObjective.Objective obj =
                    OuterObjective.objective(
                            ctx.autodiff(),
                            model,
                            r.weights(),
                            r.state(),
                            split.validation(),
                            c.validationBatchSize(),
                            true);
            Map<HyperKind, double[]> analytic = new EnumMap<>(HyperKind.class);
            for (HyperKind k : tracked) {
                analytic.put(k, Hypergradients.raw(obj.gradient(), r.tangents().get(k)));
            }
            r.close();
            for (HyperKind k : tracked) {
                double[] base = schedule.values(k);
                for (int j = 0; j < base.length; j++) {
                    Difference d =
                            difference(
                                    ctx,
                                    model,
                                    w0,
                                    s0,
                                    data,
                                    schedule,
                                    k,
                                    j,
                                    plain,
                                    shuffle,
                                    split.validation(),
                                    c,
                                    eps);
                    double numeric = d.value();
                    double a = analytic.get(k)[j];
                    double err =
                            Math.abs(a - numeric)
                                    / Math.max(1e-12, Math.max(Math.abs(a), Math.abs(numeric)));
                    worst = Math.max(worst, err);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("hyperparameter", k.key + "[" + j + "]");
                    row.put("value", base[j]);
                    row.put("forward_mode", a);
                    row.put("finite_difference", numeric);
                    row.put("epsilon", d.epsilon());
                    row.put("relative_error", err);
                    table.add(row);
                    ctx.info(
                            String.format(
                                    Locale.ROOT,
                                    "%-16s forward %+.10e  finite-diff %+.10e  rel.err %.2e",
                                    row.get("hyperparameter"),
                                    a,
                                    numeric,
                                    err));
                }
            }
        }
        return RunResult.builder()
                .metric("max_relative_error", worst)
                .metric("steps", steps)
                .metric("checked", table.size())
                .artifact("table", table)
                .build();
    }

    /**
     * A central difference that steps over kinks: ReLU, max-pool and batch-norm make the final loss
     * piecewise smooth in the hyperparameters, and a difference across a kink is no oracle.
     * Starting from {@code eps}, the step is divided by 10 until two successive differences agree
     * to {@link #AGREEMENT} relative (at most {@link #REFINEMENTS} times); the smaller step's value
     * is returned, or the closest-agreeing pair's when none agree.
     */
    private static Difference difference(
            RunContext ctx,
            FunctionalModel model,
            NDArray w0,
            ModelState s0,
            LabeledImages data,
            Schedule schedule,
            HyperKind k,
            int j,
            InnerLoop.Options plain,
            long shuffle,
            LabeledImages val,
            ForwardHpoConfig c,
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
            double lp =
                    loss(ctx, model, w0, s0, data, schedule.with(k, plus), plain, shuffle, val, c);
            double lm =
                    loss(ctx, model, w0, s0, data, schedule.with(k, minus), plain, shuffle, val, c);
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

    private static double loss(
            RunContext ctx,
            FunctionalModel model,
            NDArray w0,
            ModelState s0,
            LabeledImages data,
            Schedule s,
            InnerLoop.Options o,
            long shuffle,
            LabeledImages val,
            ForwardHpoConfig c) {
        TrackedRun r = InnerLoop.run(ctx, model, w0, s0, data, s, o, shuffle, null);
        try {
            return OuterObjective.objective(
                            ctx.autodiff(),
                            model,
                            r.weights(),
                            r.state(),
                            val,
                            c.validationBatchSize(),
                            false)
                    .loss();
        } finally {
            r.close();
        }
    }
}

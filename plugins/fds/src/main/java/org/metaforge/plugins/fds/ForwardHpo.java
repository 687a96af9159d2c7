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
import org.metaforge.sdk.Benchmarked;
import org.metaforge.sdk.GradientChecked;
import org.metaforge.sdk.MetaOptimizer;
import org.metaforge.sdk.config.Validation;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials;
import org.pf4j.Extension;

/**
 * Learns SGD's learning-rate, momentum and weight-decay schedules by forward-mode hypergradients
 * through whole inner runs (non-greedy), then retrains the learned schedule from scratch.
 *
 * <p>Each outer step draws a fresh train/validation split, runs the inner loop while carrying the
 * tangents {@code dw/dh}, takes the hypergradient {@code dL_val(w_T)/dh = grad L_val . Z_T}
 * (normalised by the steps per block), and moves every hyperparameter by its own step size against
 * the sign of its hypergradient, halving a step size whenever that sign flips. The state is
 * checkpointed after every outer step, so a killed run resumes there and ends with the same
 * schedule.
 */
@Extension
public class ForwardHpo
        implements MetaOptimizer<ForwardHpoConfig>,
                GradientChecked<ForwardHpoConfig>,
                Benchmarked<ForwardHpoConfig> {

    @Override
    public String name() {
        return "forward-hpo";
    }

    @Override
    public String description() {
        return "Non-greedy forward-mode HPO: learning-rate, momentum and weight-decay schedules"
                + " learned through whole runs (Micaelli and Storkey 2021).";
    }

    @Override
    public Class<ForwardHpoConfig> configType() {
        return ForwardHpoConfig.class;
    }

    @Override
    public void validate(ForwardHpoConfig c, Validation v) {
        if (c.windows() != 0) {
            v.problem(
                    "windows",
                    c.windows()
                            + " windows: fds/forward-hpo differentiates through the whole horizon;"
                            + " cutting it into windows is what fds/greedy-hpo does (leave windows"
                            + " unset here)");
        }
        validateRetraining(c, v);
    }

    static void validateRetraining(ForwardHpoConfig c, Validation v) {
        if (c.retrainEpochs() > 0) {
            v.component("retrain-with", c.retrainWith(), c.retrainConfig(c.initialSchedule()));
        }
    }

    @Override
    public RunResult optimize(RunContext ctx, ForwardHpoConfig c, Task task) {
        return optimize(ctx, c, task, "fds/forward-hpo", 1);
    }

    /**
     * The outer loop of both components: non-greedy with one window, greedy with more (the tangents
     * restart at each window and the hyperparameters move after each).
     */
    static RunResult optimize(
            RunContext ctx, ForwardHpoConfig c, Task task, String component, int windows) {
        LabeledImages train = task.train();
        FunctionalModel model = c.network(train);
        DataType dtype = "float64".equals(c.precision()) ? DataType.FLOAT64 : DataType.FLOAT32;
        Set<HyperKind> tracked = EnumSet.noneOf(HyperKind.class);
        for (HyperKind k : HyperKind.values()) {
            if (c.learns(k)) {
                tracked.add(k);
            }
        }
        checkHorizon(c, train, component, windows);
        OuterState s =
                ctx.checkpoints()
                        .load("outer")
                        .map(OuterState::decode)
                        .orElseGet(() -> OuterState.start(c));
        if (s.done > 0) {
            ctx.info(
                    "Resuming "
                            + component
                            + " after outer step "
                            + s.done
                            + " of "
                            + c.innerEpochs().size()
                            + ".");
        }
        RunResult.Builder out = RunResult.builder();
        NDManager run = ctx.manager();
        long totalSteps = 0;
        for (int e : c.innerEpochs()) {
            long n = train.size() - Math.round(train.size() * c.validationFraction());
            totalSteps += (long) InnerLoop.stepsPerEpoch((int) n, c.batchSize()) * e;
        }
        String label = windows > 1 ? "greedy HPO" : "forward-mode HPO";
        try (Progress progress = ctx.progress(label, totalSteps, "step")) {
            for (int i = 0; i < s.done; i++) {
                long n = train.size() - Math.round(train.size() * c.validationFraction());
                progress.step(
                        (long) InnerLoop.stepsPerEpoch((int) n, c.batchSize())
                                * c.innerEpochs().get(i));
            }
            while (s.done < c.innerEpochs().size() && !converged(c, s)) {
                int outer = s.done;
                LabeledImages.Split split =
                        train.split(c.validationFraction(), ctx.seeds().derive("split", outer));
                long innerSteps =
                        (long) InnerLoop.stepsPerEpoch(split.train().size(), c.batchSize())
                                * c.innerEpochs().get(outer);
                InnerLoop.Options o =
                        new InnerLoop.Options(
                                c.batchSize(),
                                c.innerEpochs().get(outer),
                                tracked,
                                c.clampGrad(),
                                c.clampHz(),
                                c.pruningRatio(),
                                c.pruningMode(),
                                windows > 1 ? (innerSteps + windows - 1) / windows : 0);
                Schedule passStart = s.schedule;
                Map<HyperKind, double[]> windowed = new EnumMap<>(HyperKind.class);
                for (HyperKind k : HyperKind.values()) {
                    windowed.put(k, nans(s.schedule.blocks(k)));
                }
                InnerLoop.WindowEnd greedy =
                        win -> {
                            OuterObjective.Objective obj =
                                    OuterObjective.objective(
                                            ctx.autodiff(),
                                            model,
                                            win.weights(),
                                            win.state(),
                                            split.validation(),
                                            c.validationBatchSize(),
                                            true);
                            Map<HyperKind, double[]> h =
                                    windowHypergradients(obj.gradient(), win, tracked);
                            obj.gradient().close();
                            h.forEach(
                                    (k, g) -> {
                                        for (int j = 0; j < g.length; j++) {
                                            if (!Double.isNaN(g[j])) {
                                                windowed.get(k)[j] = g[j];
                                            }
                                        }
                                    });
                            update(c, s, h);
                            return s.schedule;
                        };
                try (NDManager step = run.newSubManager()) {
                    NDArray w0 =
                            model.initialParameters(step, ctx.seeds().derive("init", outer))
                                    .toType(dtype, false);
                    ModelState state0 = model.newState(step);
                    TrackedRun r =
                            InnerLoop.run(
                                    ctx,
                                    model,
                                    w0,
                                    state0,
                                    split.train(),
                                    s.schedule,
                                    o,
                                    ctx.seeds().derive("shuffle", outer),
                                    progress,
                                    windows > 1 ? greedy : null);
                    Schedule used = passStart;
                    Map<HyperKind, double[]> hyper = new EnumMap<>(HyperKind.class);
                    double valLoss = Double.NaN;
                    if (r.diverged()) {
                        String msg =
                                String.format(
                                        Locale.ROOT,
                                        "outer step %d: the inner run diverged at step %d (loss %s) under %s; reverting the"
                                                + " last update and halving the step sizes",
                                        outer + 1,
                                        r.divergedAt(),
                                        r.lastLoss(),
                                        used);
                        ctx.info(msg);
                        out.event(msg);
                        backOff(c, s);
                        for (HyperKind k : HyperKind.values()) {
                            hyper.put(k, nans(used.blocks(k)));
                        }
                    } else if (windows > 1) {
                        // the last window's update is done: only the figures are left
                        valLoss =
                                OuterObjective.objective(
                                                ctx.autodiff(),
                                                model,
                                                r.weights(),
                                                r.state(),
                                                split.validation(),
                                                c.validationBatchSize(),
                                                false)
                                        .loss();
                        hyper.putAll(windowed);
                    } else {
                        OuterObjective.Objective obj =
                                OuterObjective.objective(
                                        ctx.autodiff(),
                                        model,
                                        r.weights(),
                                        r.state(),
                                        split.validation(),
                                        c.validationBatchSize(),
                                        true);
                        valLoss = obj.loss();
                        for (HyperKind k : HyperKind.values()) {
                            hyper.put(
                                    k,
                                    tracked.contains(k)
                                            ? Hypergradients.of(
                                                    obj.gradient(), r, k, used.blocks(k))
                                            : nans(used.blocks(k)));
                        }
                        obj.gradient().close();
                        update(c, s, hyper);
                    }
                    double valAcc =
                            r.diverged()
                                    ? Double.NaN
                                    : OuterObjective.accuracy(
                                            model,
                                            r.weights(),
                                            r.state(),
                                            split.validation(),
                                            1000);
                    double testAcc =
                            r.diverged()
                                    ? Double.NaN
                                    : OuterObjective.accuracy(
                                            model, r.weights(), r.state(), task.eval(), 1000);
                    r.close();
                    degrading(s, s.history.size(), valLoss).ifPresent(ctx::info);
                    s.history.add(
                            new OuterState.Row(
                                    used, hyper, valLoss, valAcc, testAcc, r.divergedAt()));
                    s.done = outer + 1;
                    ctx.info(
                            String.format(
                                    Locale.ROOT,
                                    "outer step %d/%d: validation loss %.4f, accuracy %.4f (%s %.4f); next %s",
                                    outer + 1,
                                    c.innerEpochs().size(),
                                    valLoss,
                                    valAcc,
                                    task.evalName(),
                                    testAcc,
                                    s.schedule));
                    ctx.checkpoints().save("outer", s.encode());
                }
            }
        }
        if (s.done < c.innerEpochs().size()) {
            out.event(
                    "stopped after outer step "
                            + s.done
                            + ": every step size fell below "
                            + c.convergedFraction()
                            + " of its hyperparameter");
        }
        for (int i = 0; i < s.history.size(); i++) {
            degrading(s, i, s.history.get(i).validationLoss()).ifPresent(out::event);
        }
        Results.fill(out, s, task.evalName(), label, c.innerEpochs());
        if (c.retrainEpochs() > 0) {
            Schedule chosen = s.schedule;
            int best = "best".equals(c.retrainSchedule()) ? bestOuterStep(s) : -1;
            if (best >= 0) {
                chosen = s.history.get(best).schedule();
                out.metric("retrained_outer_step", best + 1);
                if (best < s.history.size() - 1) {
                    String msg =
                            String.format(
                                    Locale.ROOT,
                                    "retraining the schedule of outer step %d (lowest validation loss,"
                                            + " %.4f), not the last update: %s",
                                    best + 1,
                                    s.history.get(best).validationLoss(),
                                    chosen);
                    ctx.info(msg);
                    out.event(msg);
                }
            }
            ctx.info(
                    "Retraining the learned schedule from scratch on the full training set ("
                            + c.retrainEpochs()
                            + " epochs).");
            Trials.TrialResult fin =
                    ctx.trials()
                            .run(
                                    c.retrainWith(),
                                    c.retrainConfig(chosen),
                                    task,
                                    ctx.seeds().derive("retrain"));
            fin.result().metrics().forEach(out::metric);
            fin.result().plots().forEach((k, p) -> out.plot("retrain-" + k, p));
        }
        return out.build();
    }

    /**
     * The outer step whose inner run reached the lowest validation loss (the schedule it ran under
     * is the best one evaluated), or -1 when none finished.
     */
    static int bestOuterStep(OuterState s) {
        int best = -1;
        for (int i = 0; i < s.history.size(); i++) {
            double loss = s.history.get(i).validationLoss();
            if (Double.isFinite(loss)
                    && (best < 0 || loss < s.history.get(best).validationLoss())) {
                best = i;
            }
        }
        return best;
    }

    /** A validation loss this many times the best so far marks a degrading schedule. */
    static final double DEGRADING = 1.5;

    /**
     * A message when outer step {@code outer} (0-based; its row not yet or already in the history)
     * reached a validation loss far above the best of the steps before it.
     */
    static java.util.Optional<String> degrading(OuterState s, int outer, double valLoss) {
        int best = -1;
        for (int i = 0; i < outer; i++) {
            double loss = s.history.get(i).validationLoss();
            if (Double.isFinite(loss)
                    && (best < 0 || loss < s.history.get(best).validationLoss())) {
                best = i;
            }
        }
        if (best < 0 || !Double.isFinite(valLoss)) {
            return java.util.Optional.empty();
        }
        double bestLoss = s.history.get(best).validationLoss();
        if (!(valLoss > DEGRADING * bestLoss)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(
                String.format(
                        Locale.ROOT,
                        "outer step %d: validation loss %.4f is %.1fx the best so far (%.4f at outer"
                                + " step %d): the schedule is degrading",
                        outer + 1,
                        valLoss,
                        valLoss / bestLoss,
                        bestLoss,
                        best + 1));
    }

    /** Schedules with more blocks than inner steps cannot be learned: refused before any work. */
    private static void checkHorizon(
            ForwardHpoConfig c, LabeledImages train, String component, int windows) {
        long n = train.size() - Math.round(train.size() * c.validationFraction());
        int shortest = c.innerEpochs().stream().mapToInt(Integer::intValue).min().orElse(1);
        long steps = (long) InnerLoop.stepsPerEpoch((int) n, c.batchSize()) * shortest;
        org.metaforge.sdk.config.ConfigProblems p =
                new org.metaforge.sdk.config.ConfigProblems("config of " + component);
        String why =
                "is larger than the "
                        + steps
                        + " inner steps of the shortest outer step ("
                        + shortest
                        + " epoch(s) of "
                        + n
                        + " samples in batches of "
                        + c.batchSize()
                        + "); use at most "
                        + steps;
        if (c.lrBlocks() > steps) {
            p.add("lr-blocks", c.lrBlocks() + " " + why);
        }
        if (c.momentumBlocks() > steps) {
            p.add("momentum-blocks", c.momentumBlocks() + " " + why);
        }
        if (c.weightDecayBlocks() > steps) {
            p.add("weight-decay-blocks", c.weightDecayBlocks() + " " + why);
        }
        if (windows > steps) {
            p.add("windows", windows + " " + why);
        }
        p.throwIfAny();
    }

    /**
     * The hypergradients of one greedy window: {@code grad L_val . Z_j} for the blocks the window
     * reached, divided by the window's tangent updates; NaN for every other block.
     */
    private static Map<HyperKind, double[]> windowHypergradients(
            NDArray valGradient, InnerLoop.Window win, Set<HyperKind> tracked) {
        Map<HyperKind, double[]> h = new EnumMap<>(HyperKind.class);
        for (HyperKind k : HyperKind.values()) {
            double[] g = nans(win.schedule().blocks(k));
            if (tracked.contains(k)) {
                double[] raw = Hypergradients.raw(valGradient, win.tangents().get(k));
                double n = Math.max(1, win.updates().get(k));
                for (int j = win.firstBlock(k); j <= win.lastBlock(k); j++) {
                    g[j] = raw[j] / n;
                }
            }
            h.put(k, g);
        }
        return h;
    }

    /**
     * Sign-based update with per-hyperparameter step sizes (the paper's outer optimiser). A NaN
     * hypergradient leaves its hyperparameter, step size and remembered sign unchanged.
     */
    static void update(ForwardHpoConfig c, OuterState s, Map<HyperKind, double[]> hyper) {
        Schedule next = s.schedule;
        for (HyperKind k : HyperKind.values()) {
            if (!c.learns(k)) {
                continue;
            }
            double[] g = hyper.get(k);
            double[] values = next.values(k);
            double[] sizes = s.stepSizes.get(k);
            double[] signs = s.signs.get(k);
            double[] deltas = new double[values.length];
            for (int j = 0; j < values.length; j++) {
                if (Double.isNaN(g[j])) {
                    // no signal for this block (outside a greedy window): keep it as it is
                    deltas[j] = 0;
                    continue;
                }
                double sign = Math.signum(g[j]);
                if (sign * signs[j] < 0) {
                    sizes[j] *= c.stepDecay();
                }
                signs[j] = sign;
                double moved = clampTo(k, values[j] - sign * sizes[j]);
                deltas[j] = values[j] - moved;
                values[j] = moved;
            }
            s.lastDeltas.put(k, deltas);
            next = next.with(k, values);
        }
        s.schedule = next;
    }

    /** After a divergence: undo the last update and halve the step sizes. */
    private static void backOff(ForwardHpoConfig c, OuterState s) {
        Schedule next = s.schedule;
        for (HyperKind k : HyperKind.values()) {
            double[] values = next.values(k);
            double[] deltas = s.lastDeltas.get(k);
            double[] sizes = s.stepSizes.get(k);
            for (int j = 0; j < values.length; j++) {
                values[j] = clampTo(k, values[j] + deltas[j]);
                if (!c.learns(k)) {
                    continue;
                }
                sizes[j] *= c.stepDecay();
                if (deltas[j] == 0 && k == HyperKind.LR) {
                    // Nothing to undo (e.g. the first step diverged): shrink the learning rate.
                    values[j] *= c.stepDecay();
                }
                deltas[j] = 0;
            }
            next = next.with(k, values);
        }
        s.schedule = next;
    }

    private static double clampTo(HyperKind k, double v) {
        return switch (k) {
            case LR, WEIGHT_DECAY -> Math.max(0, v);
            case MOMENTUM -> Math.min(0.99, Math.max(0, v));
        };
    }

    private static boolean converged(ForwardHpoConfig c, OuterState s) {
        if (s.done == 0) {
            return false;
        }
        for (HyperKind k : HyperKind.values()) {
            if (!c.learns(k)) {
                continue;
            }
            double[] sizes = s.stepSizes.get(k);
            double[] values = s.schedule.values(k);
            for (int j = 0; j < sizes.length; j++) {
                if (!(sizes[j] / Math.abs(values[j]) < c.convergedFraction())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    @Override
    public RunResult benchmark(RunContext ctx, ForwardHpoConfig c, Task task) {
        return StepBenchmark.run(ctx, c, task);
    }

    @Override
    public RunResult gradcheck(
            RunContext ctx, ForwardHpoConfig c, Task task, int steps, double epsilon) {
        return Gradcheck.run(ctx, c, task, steps, epsilon, 1);
    }

    /** The rows of a results table, for the report. */
    static List<Map<String, Object>> table(OuterState s) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < s.history.size(); i++) {
            OuterState.Row r = s.history.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("outer_step", i + 1);
            for (HyperKind k : HyperKind.values()) {
                row.put(k.key, r.schedule().list(k));
                row.put(k.key + "_hypergradient", Results.finiteOrNull(r.hypergradients().get(k)));
            }
            row.put("validation_loss", Results.finiteOrNull(r.validationLoss()));
            row.put("validation_accuracy", Results.finiteOrNull(r.validationAccuracy()));
            row.put("test_accuracy", Results.finiteOrNull(r.testAccuracy()));
            row.put("diverged_at", r.divergedAt() < 0 ? null : r.divergedAt());
            rows.add(row);
        }
        return rows;
    }
}

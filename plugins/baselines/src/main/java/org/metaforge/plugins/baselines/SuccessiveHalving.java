package org.metaforge.plugins.baselines;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.metaforge.sdk.MetaOptimizer;
import org.metaforge.sdk.config.Validation;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.metric.SearchCurve;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Seeds;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials;
import org.pf4j.Extension;

/**
 * Successive halving (Jamieson and Talwalkar 2016; the inner loop of Hyperband, Li et al. 2017)
 * over random search's space.
 *
 * <p>The first rung trains {@code trials} sampled configurations for {@code min-epochs} epochs;
 * each later rung keeps the best {@code 1/eta} by validation accuracy and continues them, from the
 * previous rung's saved training state, to {@code eta} times the epochs, until one configuration
 * remains or {@code max-epochs} is reached. Every schedule is defined over {@code max-epochs}, so a
 * configuration trained in rungs ends with the weights of the same configuration trained for its
 * final budget in one go. Each rung of each configuration is its own cached trial whose key names
 * the trial it continues: a re-run answers finished rungs from the store, and an interrupted search
 * picks up where it stopped.
 */
@Extension
public class SuccessiveHalving implements MetaOptimizer<SuccessiveHalvingConfig> {

    @Override
    public String name() {
        return "successive-halving";
    }

    @Override
    public String description() {
        return "Successive halving over random search's space: train many configurations briefly,"
                + " continue the best 1/eta from their checkpoints with eta x the epochs.";
    }

    @Override
    public Class<SuccessiveHalvingConfig> configType() {
        return SuccessiveHalvingConfig.class;
    }

    @Override
    public void validate(SuccessiveHalvingConfig config, Validation validation) {
        Map<String, Object> probe = RandomSearch.sample(config.space(), new java.util.Random(0));
        probe.put("epochs", config.minEpochs());
        probe.put("horizon-epochs", config.maxEpochs());
        validation.component("learner-config", config.learner(), probe);
    }

    /** The epoch budgets of the rungs: {@code r0, r0 eta, r0 eta^2, ...}, capped at the maximum. */
    static List<Integer> budgets(SuccessiveHalvingConfig config) {
        List<Integer> out = new ArrayList<>();
        int survivors = config.trials();
        long budget = config.minEpochs();
        while (true) {
            out.add((int) budget);
            if (budget >= config.maxEpochs() || survivors <= 1) {
                return out;
            }
            survivors = Math.max(1, survivors / config.eta());
            budget = Math.min(config.maxEpochs(), budget * config.eta());
        }
    }

    @Override
    public RunResult optimize(RunContext ctx, SuccessiveHalvingConfig config, Task task) {
        Seeds seeds = ctx.seeds();
        LabeledImages.Split split =
                task.train().split(config.validationFraction(), seeds.derive("split"));
        Task inner = new Task(split.train(), split.validation(), "validation");
        long innerSeed = seeds.derive("inner");
        RandomSearchConfig space = config.space();
        int n = config.trials();
        List<Arm> arms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // The same streams as random search: one master seed samples the same configurations.
            arms.add(new Arm(i, RandomSearch.sample(space, seeds.random("trial", i))));
        }
        List<Integer> budgets = budgets(config);
        long planned = 0;
        // the rung sizes n, n/eta, ... as budgets() counts them
        int left = n;
        for (int k = 0; k < budgets.size(); k++) {
            planned += left;
            left = Math.max(1, left / config.eta());
        }
        RunResult.Builder out = RunResult.builder();
        SearchCurve curve = new SearchCurve("successive halving");
        List<Map<String, Object>> table = new ArrayList<>();
        List<Arm> alive = new ArrayList<>(arms);
        Tally tally = new Tally();
        int previousBudget = 0;
        try (Progress progress = ctx.progress("successive halving", planned, "trial")) {
            for (int rung = 0; rung < budgets.size(); rung++) {
                int budget = budgets.get(rung);
                List<Map<String, Object>> rows = new ArrayList<>();
                List<Map<String, Object>> configs = new ArrayList<>();
                List<Trials.TrialRequest> requests = new ArrayList<>();
                for (Arm arm : alive) {
                    Map<String, Object> cfg = new LinkedHashMap<>(arm.config);
                    cfg.put("epochs", budget);
                    cfg.put("horizon-epochs", config.maxEpochs());
                    cfg.put("continue-from", arm.key);
                    configs.add(cfg);
                    requests.add(new Trials.TrialRequest(config.learner(), cfg, inner, innerSeed));
                }
                ctx.checkCancelled();
                int rungIndex = rung;
                int spentBefore = previousBudget;
                List<Arm> members = alive;
                // A rung's trials are independent and may run at once; their outcomes arrive in
                // order, each as soon as it and those before it are done.
                ctx.trials()
                        .runAll(
                                requests,
                                outcome -> {
                                    int k = rows.size();
                                    Arm arm = members.get(k);
                                    Map<String, Object> cfg = configs.get(k);
                                    String note;
                                    if (!outcome.isFailed()) {
                                        Trials.TrialResult tr = outcome.result();
                                        arm.accuracy = tr.result().metric("validation_accuracy");
                                        arm.key = tr.key();
                                        note = tr.cached() ? " (from store)" : "";
                                        tally.fromStore += tr.cached() ? 1 : 0;
                                    } else {
                                        RunFailedException e = outcome.failure();
                                        arm.accuracy = Double.NaN;
                                        note = " (failed: " + e.getMessage() + ")";
                                        out.event(
                                                "rung "
                                                        + (rungIndex + 1)
                                                        + ", configuration "
                                                        + (arm.index + 1)
                                                        + " failed: "
                                                        + e.getMessage());
                                    }
                                    // A continued trial costs only the epochs it adds.
                                    curve.add(budget - spentBefore, arm.accuracy);
                                    arm.epochs = budget;
                                    ctx.info(
                                            String.format(
                                                    Locale.ROOT,
                                                    "rung %d (%d epochs) configuration %d"
                                                            + " lr=%.4g momentum=%.3f"
                                                            + " weight-decay=%.3g -> validation"
                                                            + " accuracy %.4f%s",
                                                    rungIndex + 1,
                                                    budget,
                                                    arm.index + 1,
                                                    first(cfg, "lr"),
                                                    first(cfg, "momentum"),
                                                    first(cfg, "weight-decay"),
                                                    arm.accuracy,
                                                    note));
                                    Map<String, Object> row = new LinkedHashMap<>();
                                    row.put("rung", rungIndex + 1);
                                    row.put("configuration", arm.index + 1);
                                    row.put("epochs", budget);
                                    row.put("lr", first(cfg, "lr"));
                                    row.put("momentum", first(cfg, "momentum"));
                                    row.put("weight-decay", first(cfg, "weight-decay"));
                                    row.put(
                                            "validation_accuracy",
                                            Double.isNaN(arm.accuracy) ? null : arm.accuracy);
                                    row.put("trial", arm.key);
                                    rows.add(row);
                                    table.add(row);
                                    progress.step(1);
                                    ctx.checkCancelled();
                                });
                previousBudget = budget;
                // Failed configurations cannot be continued; the rest are ranked, best first (ties
                // by index, so the order is reproducible).
                alive.removeIf(a -> Double.isNaN(a.accuracy));
                alive.sort(
                        Comparator.comparingDouble((Arm a) -> -a.accuracy)
                                .thenComparingInt(a -> a.index));
                if (alive.isEmpty()) {
                    throw new RunFailedException(
                            "Every configuration of rung "
                                    + (rung + 1)
                                    + " failed; narrow the ranges.");
                }
                if (rung + 1 < budgets.size()) {
                    int keep = Math.max(1, alive.size() / config.eta());
                    alive = new ArrayList<>(alive.subList(0, keep));
                }
                java.util.Set<Integer> promoted = new java.util.HashSet<>();
                if (rung + 1 < budgets.size()) {
                    alive.forEach(a -> promoted.add(a.index + 1));
                }
                for (Map<String, Object> row : rows) {
                    row.put("promoted", promoted.contains((Integer) row.get("configuration")));
                }
                ctx.info(
                        String.format(
                                Locale.ROOT,
                                "rung %d done: best validation accuracy %.4f, %.0f epochs spent so"
                                        + " far",
                                rung + 1,
                                alive.get(0).accuracy,
                                curve.spent()));
            }
        }
        Arm best = alive.get(0);
        if (tally.fromStore > 0) {
            out.event(tally.fromStore + " rung trials came from the store");
        }
        Map<String, Object> bestCfg = new LinkedHashMap<>(best.config);
        bestCfg.put("epochs", best.epochs);
        if (best.epochs < config.maxEpochs()) {
            // It stopped early as the last one left: retrain the run it was validated on, the
            // first epochs of schedules spread over max-epochs.
            bestCfg.put("horizon-epochs", config.maxEpochs());
        }
        curve.report(out);
        out.metric("best_validation_accuracy", best.accuracy)
                .metric("best_configuration", best.index + 1)
                .metric("best_epochs", best.epochs)
                .metric("rungs", budgets.size())
                .metric("full_budget_epochs", (double) n * config.maxEpochs())
                .artifact("best_config", bestCfg)
                .artifact("budgets", budgets)
                .artifact("rungs", table)
                .plot("rungs", rungPlot(table, budgets.size()));
        if (config.retrain()) {
            ctx.info(
                    "Retraining the best configuration ("
                            + (best.index + 1)
                            + ") for "
                            + best.epochs
                            + " epochs on the full training set.");
            Trials.TrialResult fin =
                    ctx.trials().run(config.learner(), bestCfg, task, seeds.derive("final"));
            fin.result().metrics().forEach(out::metric);
            fin.result().plots().forEach((k, p) -> out.plot("final-" + k, p));
            out.event(
                    "the "
                            + task.evalName()
                            + " metrics are the best configuration's, retrained for "
                            + best.epochs
                            + " epochs on the full training set");
        } else {
            out.event(
                    "retrain is off: no "
                            + task.evalName()
                            + " metrics; the best configuration's validation accuracy is from its"
                            + " final rung");
        }
        return out.build();
    }

    /** Validation accuracy of each rung's trials against their epochs, one series per rung. */
    private static Plot rungPlot(List<Map<String, Object>> table, int rungs) {
        List<Plot.Series> series = new ArrayList<>();
        for (int r = 1; r <= rungs; r++) {
            final int rung = r;
            List<Map<String, Object>> rows =
                    table.stream().filter(row -> (Integer) row.get("rung") == rung).toList();
            double[] x = new double[rows.size()];
            double[] y = new double[rows.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = ((Number) rows.get(i).get("configuration")).doubleValue();
                Object acc = rows.get(i).get("validation_accuracy");
                y[i] = acc == null ? Double.NaN : ((Number) acc).doubleValue();
            }
            int epochs = rows.isEmpty() ? 0 : (Integer) rows.get(0).get("epochs");
            series.add(new Plot.Series("rung " + r + " (" + epochs + " epochs)", x, y));
        }
        return new Plot(
                "Successive halving: validation accuracy per rung",
                "configuration",
                "validation accuracy",
                series);
    }

    private static double first(Map<String, Object> cfg, String key) {
        return ((Number) ((List<?>) cfg.get(key)).get(0)).doubleValue();
    }

    /** How many rung trials came from the store. */
    private static final class Tally {
        int fromStore;
    }

    /** One sampled configuration and how far it got. */
    private static final class Arm {
        final int index;
        final Map<String, Object> config;
        String key = SgdConfig.FRESH;
        double accuracy = Double.NaN;
        int epochs;

        Arm(int index, Map<String, Object> config) {
            this.index = index;
            this.config = config;
        }
    }
}

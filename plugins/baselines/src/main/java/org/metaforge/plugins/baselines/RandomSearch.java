package org.metaforge.plugins.baselines;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
 * Random-search HPO over learning rate, momentum and weight decay.
 *
 * <p>Each trial trains the learner on a stratified training part and is scored on the held-out
 * validation part; every trial is its own cached record, so an interrupted search resumes where it
 * stopped. The best configuration is retrained on the full training set and measured on the task's
 * evaluation set.
 */
@Extension
public class RandomSearch implements MetaOptimizer<RandomSearchConfig> {

    @Override
    public String name() {
        return "random-search";
    }

    @Override
    public String description() {
        return "Random search over learning rate (log-uniform), momentum and weight decay"
                + " (log-uniform), one cached trial per sample.";
    }

    @Override
    public Class<RandomSearchConfig> configType() {
        return RandomSearchConfig.class;
    }

    @Override
    public void validate(RandomSearchConfig config, Validation validation) {
        Map<String, Object> probe = sample(config, new Random(0));
        validation.component("learner-config", config.learner(), probe);
    }

    /** The learner configuration of one sampled trial. */
    static Map<String, Object> sample(RandomSearchConfig config, Random rng) {
        // sorted: the config's map (Map.copyOf) iterates in an order that differs between JVMs, and
        // this map is recorded (best_config), so a worker process must write it the same way
        Map<String, Object> c = new LinkedHashMap<>(new TreeMap<>(config.learnerConfig()));
        c.put("lr", List.of(logUniform(rng, config.lrRange())));
        c.put("momentum", List.of(uniform(rng, config.momentumRange())));
        c.put("weight-decay", List.of(logUniform(rng, config.weightDecayRange())));
        return c;
    }

    @Override
    public RunResult optimize(RunContext ctx, RandomSearchConfig config, Task task) {
        Seeds seeds = ctx.seeds();
        LabeledImages.Split split =
                task.train().split(config.validationFraction(), seeds.derive("split"));
        Task inner = new Task(split.train(), split.validation(), "validation");
        long innerSeed = seeds.derive("inner");
        RunResult.Builder out = RunResult.builder();
        List<Map<String, Object>> table = new ArrayList<>();
        double[] xs = new double[config.trials()];
        double[] ys = new double[config.trials()];
        double[] best = new double[config.trials()];
        Tally tally = new Tally();
        SearchCurve curve = new SearchCurve("random search");
        List<Map<String, Object>> configs = new ArrayList<>();
        List<Trials.TrialRequest> requests = new ArrayList<>();
        for (int i = 0; i < config.trials(); i++) {
            Map<String, Object> cfg = sample(config, seeds.random("trial", i));
            configs.add(cfg);
            requests.add(new Trials.TrialRequest(config.learner(), cfg, inner, innerSeed));
        }
        try (Progress progress = ctx.progress("random search", config.trials(), "trial")) {
            ctx.checkCancelled();

            // Outcomes arrive in trial order, each as soon as it and those before it are done
            // (several may run at once), so the log and the progress read as for one at a time.
            ctx.trials()
                    .runAll(
                            requests,
                            outcome -> {
                                int i = tally.next++;
                                Map<String, Object> cfg = configs.get(i);
                                double acc;
                                String note;
                                RunResult trial = null;
                                if (!outcome.isFailed()) {
                                    Trials.TrialResult tr = outcome.result();
                                    trial = tr.result();
                                    acc = tr.result().metric("validation_accuracy");
                                    note = tr.cached() ? " (from store)" : "";
                                    tally.fromStore += tr.cached() ? 1 : 0;
                                } else {
                                    RunFailedException e = outcome.failure();
                                    acc = Double.NaN;
                                    note = " (failed: " + e.getMessage() + ")";
                                    out.event("trial " + (i + 1) + " failed: " + e.getMessage());
                                }
                                ctx.info(
                                        String.format(
                                                Locale.ROOT,
                                                "trial %d/%d lr=%.4g momentum=%.3f"
                                                        + " weight-decay=%.3g -> validation"
                                                        + " accuracy %.4f%s",
                                                i + 1,
                                                config.trials(),
                                                first(cfg, "lr"),
                                                first(cfg, "momentum"),
                                                first(cfg, "weight-decay"),
                                                acc,
                                                note));
                                if (acc > tally.bestAcc) {
                                    tally.bestAcc = acc;
                                    tally.bestIndex = i;
                                }
                                curve.add(SearchCurve.epochsOf(trial, cfg), acc);
                                xs[i] = i + 1;
                                ys[i] = acc;
                                best[i] = tally.bestAcc;
                                Map<String, Object> row = new LinkedHashMap<>();
                                row.put("trial", i + 1);
                                row.put("lr", first(cfg, "lr"));
                                row.put("momentum", first(cfg, "momentum"));
                                row.put("weight-decay", first(cfg, "weight-decay"));
                                row.put("validation_accuracy", Double.isNaN(acc) ? null : acc);
                                table.add(row);
                                progress.step(1);
                                progress.status(
                                        String.format(Locale.ROOT, "best %.4f", tally.bestAcc));
                                ctx.checkCancelled();
                            });
        }
        int bestIndex = tally.bestIndex;
        double bestAcc = tally.bestAcc;
        int fromStore = tally.fromStore;
        if (bestIndex < 0) {
            throw new RunFailedException(
                    "Every one of the " + config.trials() + " trials failed; narrow the ranges.");
        }
        if (fromStore > 0) {
            out.event(fromStore + " of " + config.trials() + " trials came from the store");
        }
        Map<String, Object> bestCfg = sample(config, seeds.random("trial", bestIndex));
        curve.report(out);
        out.metric("best_validation_accuracy", bestAcc)
                .metric("best_trial", bestIndex + 1)
                .artifact("best_config", bestCfg)
                .artifact("trials", table)
                .plot(
                        "search",
                        new Plot(
                                "Random search",
                                "trial",
                                "validation accuracy",
                                List.of(
                                        new Plot.Series("trial", xs, ys),
                                        new Plot.Series("best so far", xs, best))));
        if (config.retrain()) {
            ctx.info(
                    "Retraining the best configuration (trial "
                            + (bestIndex + 1)
                            + ") on the full training set.");
            Trials.TrialResult fin =
                    ctx.trials().run(config.learner(), bestCfg, task, seeds.derive("final"));
            fin.result().metrics().forEach(out::metric);
            fin.result().plots().forEach((k, p) -> out.plot("final-" + k, p));
        }
        return out.build();
    }

    /** The search so far: the next trial, the best one, how many came from the store. */
    private static final class Tally {
        int next;
        int bestIndex = -1;
        double bestAcc = Double.NEGATIVE_INFINITY;
        int fromStore;
    }

    private static double first(Map<String, Object> cfg, String key) {
        return ((Number) ((List<?>) cfg.get(key)).get(0)).doubleValue();
    }

    private static double logUniform(Random rng, List<Double> range) {
        double lo = Math.log(range.get(0));
        double hi = Math.log(range.get(1));
        return Math.exp(lo + (hi - lo) * rng.nextDouble());
    }

    private static double uniform(Random rng, List<Double> range) {
        return range.get(0) + (range.get(1) - range.get(0)) * rng.nextDouble();
    }
}

package org.metaforge.plugins.baselines;

import java.util.List;
import java.util.Map;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;

/**
 * Configuration of {@code baselines/random-search}.
 *
 * @param learner the learner each trial runs
 * @param learnerConfig the learner's configuration; the sampled values replace its lr, momentum and
 *     weight-decay
 * @param trials how many configurations to sample
 * @param lrRange log-uniform range of the learning rate
 * @param momentumRange uniform range of the momentum
 * @param weightDecayRange log-uniform range of the weight decay
 * @param validationFraction share of the training set held out for validation
 * @param retrain whether the best configuration is retrained on the full training set
 */
public record RandomSearchConfig(
        @Param(value = "learner each trial runs", defaultValue = "baselines/sgd") String learner,
        @Param(
                        value =
                                "the learner's configuration; lr, momentum, weight-decay are sampled",
                        defaultValue = "{}")
                Map<String, Object> learnerConfig,
        @Param(
                        value = "number of sampled configurations",
                        defaultValue = "16",
                        min = 1,
                        max = 100000)
                int trials,
        @Param(
                        value = "learning-rate range [low, high], sampled log-uniformly",
                        defaultValue = "[0.001, 1.0]",
                        min = 0,
                        minExclusive = true)
                List<Double> lrRange,
        @Param(
                        value = "momentum range [low, high], sampled uniformly",
                        defaultValue = "[0.0, 0.99]",
                        min = 0,
                        max = 0.999)
                List<Double> momentumRange,
        @Param(
                        value = "weight-decay range [low, high], sampled log-uniformly",
                        defaultValue = "[0.000001, 0.01]",
                        min = 0,
                        minExclusive = true)
                List<Double> weightDecayRange,
        @Param(
                        value = "share of the training set held out to compare trials",
                        defaultValue = "0.1",
                        min = 0,
                        max = 0.9,
                        minExclusive = true)
                double validationFraction,
        @Param(
                        value = "retrain the best configuration on the full training set",
                        defaultValue = "true")
                boolean retrain) {

    /** Checks the ranges. */
    public RandomSearchConfig {
        ConfigProblems problems = new ConfigProblems("config of baselines/random-search");
        range(problems, "lr-range", lrRange);
        range(problems, "momentum-range", momentumRange);
        range(problems, "weight-decay-range", weightDecayRange);
        problems.throwIfAny();
        learnerConfig = Map.copyOf(learnerConfig);
        lrRange = List.copyOf(lrRange);
        momentumRange = List.copyOf(momentumRange);
        weightDecayRange = List.copyOf(weightDecayRange);
    }

    private static void range(ConfigProblems problems, String key, List<Double> r) {
        if (r.size() != 2) {
            problems.add(key, "needs exactly two values [low, high], got " + r);
        } else if (r.get(0) > r.get(1)) {
            problems.add(key, "low " + r.get(0) + " is above high " + r.get(1));
        }
    }
}

package org.metaforge.plugins.baselines;

import java.util.List;
import java.util.Map;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;

/**
 * Configuration of {@code baselines/successive-halving}.
 *
 * @param learner the learner each rung runs; it must understand {@code epochs}, {@code
 *     horizon-epochs} and {@code continue-from} as {@code baselines/sgd} does
 * @param learnerConfig the learner's configuration; the sampled values replace its lr, momentum and
 *     weight-decay, and each rung sets epochs, horizon-epochs and continue-from
 * @param trials how many configurations the first rung trains
 * @param lrRange log-uniform range of the learning rate
 * @param momentumRange uniform range of the momentum
 * @param weightDecayRange log-uniform range of the weight decay
 * @param validationFraction share of the training set held out for validation
 * @param retrain whether the best configuration is retrained on the full training set
 * @param minEpochs the first rung's budget r0
 * @param maxEpochs the largest budget, and the horizon every schedule is defined over
 * @param eta the reduction factor: each rung keeps the best 1/eta and multiplies the budget by eta
 */
public record SuccessiveHalvingConfig(
        @Param(value = "learner each rung runs", defaultValue = "baselines/sgd") String learner,
        @Param(
                        value =
                                "the learner's configuration; lr, momentum, weight-decay are"
                                        + " sampled, epochs, horizon-epochs, continue-from set per"
                                        + " rung",
                        defaultValue = "{}")
                Map<String, Object> learnerConfig,
        @Param(
                        value = "number of sampled configurations (the first rung)",
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
                        value = "share of the training set held out to compare configurations",
                        defaultValue = "0.1",
                        min = 0,
                        max = 0.9,
                        minExclusive = true)
                double validationFraction,
        @Param(
                        value = "retrain the best configuration on the full training set",
                        defaultValue = "true")
                boolean retrain,
        @Param(value = "epochs of the first rung (r0)", defaultValue = "1", min = 1, max = 10000)
                int minEpochs,
        @Param(
                        value =
                                "largest budget in epochs; every schedule is defined over it, so a"
                                        + " rung trains a prefix of the full run",
                        defaultValue = "8",
                        min = 1,
                        max = 10000)
                int maxEpochs,
        @Param(
                        value = "keep the best 1/eta of a rung and give the survivors eta x epochs",
                        defaultValue = "2",
                        min = 2,
                        max = 100)
                int eta) {

    /** The keys each rung sets itself. */
    static final List<String> RUNG_KEYS = List.of("epochs", "horizon-epochs", "continue-from");

    /** Checks the ranges, the budgets and that the learner's config leaves the rung keys alone. */
    public SuccessiveHalvingConfig {
        ConfigProblems problems = new ConfigProblems("config of baselines/successive-halving");
        if (minEpochs > maxEpochs) {
            problems.add(
                    "min-epochs", minEpochs + " is above max-epochs " + maxEpochs + "; lower it");
        }
        for (String k : RUNG_KEYS) {
            if (learnerConfig.containsKey(k)) {
                problems.add(
                        "learner-config",
                        "sets '"
                                + k
                                + "', which each rung sets itself; use min-epochs and max-epochs");
            }
        }
        // The space itself is checked by the random-search config it shares.
        try {
            space(
                    learner,
                    learnerConfig,
                    trials,
                    lrRange,
                    momentumRange,
                    weightDecayRange,
                    validationFraction,
                    retrain);
        } catch (org.metaforge.sdk.config.ConfigException e) {
            problems.addAll("", e.problems());
        }
        problems.throwIfAny();
        learnerConfig = Map.copyOf(learnerConfig);
        lrRange = List.copyOf(lrRange);
        momentumRange = List.copyOf(momentumRange);
        weightDecayRange = List.copyOf(weightDecayRange);
    }

    /**
     * The search space as random search's configuration: the same master seed samples the same
     * configurations in both methods.
     */
    RandomSearchConfig space() {
        return space(
                learner,
                learnerConfig,
                trials,
                lrRange,
                momentumRange,
                weightDecayRange,
                validationFraction,
                retrain);
    }

    private static RandomSearchConfig space(
            String learner,
            Map<String, Object> learnerConfig,
            int trials,
            List<Double> lrRange,
            List<Double> momentumRange,
            List<Double> weightDecayRange,
            double validationFraction,
            boolean retrain) {
        return new RandomSearchConfig(
                learner,
                learnerConfig,
                trials,
                lrRange,
                momentumRange,
                weightDecayRange,
                validationFraction,
                retrain);
    }
}

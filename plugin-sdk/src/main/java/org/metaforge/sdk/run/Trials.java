package org.metaforge.sdk.run;

import java.util.Map;

/**
 * Runs a component as a trial whose result is cached as its own record.
 *
 * <p>The trial's cache key covers the component id and version, the validated configuration, the
 * task's data fingerprints and the seed, so a repeated trial returns the stored result without
 * running (and {@link TrialResult#cached()} says so).
 */
public interface Trials {

    /**
     * Runs (or fetches) one trial.
     *
     * @param componentId full id such as {@code baselines/sgd}
     * @param config configuration as YAML-like values (kebab-case keys), validated here
     * @param task the data to train and evaluate on
     * @param seed the trial's seed (derive it with {@link Seeds})
     * @throws org.metaforge.sdk.config.ConfigException if the configuration is invalid
     * @throws RunFailedException if the trial failed
     */
    TrialResult run(String componentId, Map<String, Object> config, Task task, long seed);

    /** A trial's result and whether it came from the store. */
    record TrialResult(RunResult result, boolean cached, String key) {}
}

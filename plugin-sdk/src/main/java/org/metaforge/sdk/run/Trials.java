package org.metaforge.sdk.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

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

    /**
     * Runs (or fetches) a batch of independent trials; see {@link #runAll(List, Consumer)}.
     *
     * @return one outcome per request, in request order
     */
    default List<TrialOutcome> runAll(List<TrialRequest> requests) {
        return runAll(requests, outcome -> {});
    }

    /**
     * Runs (or fetches) a batch of independent trials, possibly several at once.
     *
     * <p>No request may depend on the result of another in the same batch. The host may run them in
     * parallel (e.g. as worker processes with {@code metaforge run --workers N}); each keeps the
     * cache key and record it would have had through {@link #run}. {@code inOrder} is called on the
     * caller's thread once per request, in request order, as soon as that trial and every trial
     * before it have finished, so a caller can log and show progress exactly as a loop over {@link
     * #run} would. This default runs the requests one after another.
     *
     * @return one outcome per request, in request order: its result, or the {@link
     *     RunFailedException} it failed with
     * @throws org.metaforge.sdk.config.ConfigException if a configuration is invalid (hosts check
     *     every configuration before running any)
     * @throws java.util.concurrent.CancellationException if the user asked to stop
     */
    default List<TrialOutcome> runAll(List<TrialRequest> requests, Consumer<TrialOutcome> inOrder) {
        List<TrialOutcome> out = new ArrayList<>(requests.size());
        for (TrialRequest r : requests) {
            TrialOutcome o;
            try {
                o = TrialOutcome.of(r, run(r.componentId(), r.config(), r.task(), r.seed()));
            } catch (RunFailedException e) {
                o = TrialOutcome.failed(r, e);
            }
            inOrder.accept(o);
            out.add(o);
        }
        return out;
    }

    /** A trial's result and whether it came from the store. */
    record TrialResult(RunResult result, boolean cached, String key) {}

    /**
     * One trial of a batch, with the arguments of {@link Trials#run}.
     *
     * @param componentId full id such as {@code baselines/sgd}
     * @param config configuration as YAML-like values (kebab-case keys)
     * @param task the data to train and evaluate on
     * @param seed the trial's seed
     */
    record TrialRequest(String componentId, Map<String, Object> config, Task task, long seed) {}

    /**
     * What became of one request of a batch: exactly one of {@code result} and {@code failure} is
     * non-null.
     *
     * @param request the request
     * @param result its result, or null if it failed
     * @param failure why it failed, or null
     */
    record TrialOutcome(TrialRequest request, TrialResult result, RunFailedException failure) {

        /** Checks that exactly one of result and failure is given. */
        public TrialOutcome {
            if ((result == null) == (failure == null)) {
                throw new IllegalArgumentException(
                        "A trial outcome has either a result or a failure.");
            }
        }

        /** A successful outcome. */
        public static TrialOutcome of(TrialRequest request, TrialResult result) {
            return new TrialOutcome(request, result, null);
        }

        /** A failed outcome. */
        public static TrialOutcome failed(TrialRequest request, RunFailedException failure) {
            return new TrialOutcome(request, null, failure);
        }

        /** Whether the trial failed. */
        public boolean isFailed() {
            return failure != null;
        }
    }
}

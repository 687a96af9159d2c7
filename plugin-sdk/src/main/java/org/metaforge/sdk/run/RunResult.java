package org.metaforge.sdk.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run hands back: final metrics, plots' data, artefacts and notable events.
 *
 * <p>Everything is plain data (numbers, strings, lists and maps of them) so the host can store it
 * as JSON. Build one with {@link #builder()}.
 *
 * @param metrics final scalar figures, e.g. {@code test_accuracy}
 * @param plots data for plots, keyed by a file-safe name
 * @param artifacts JSON-able learned artefacts (schedules, best configuration)
 * @param events notable events in order (divergence, back-off, cached trials)
 */
public record RunResult(
        Map<String, Double> metrics,
        Map<String, Plot> plots,
        Map<String, Object> artifacts,
        List<String> events) {

    /** Makes defensive, unmodifiable copies. */
    public RunResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        plots = Collections.unmodifiableMap(new LinkedHashMap<>(plots));
        artifacts = Collections.unmodifiableMap(new LinkedHashMap<>(artifacts));
        events = List.copyOf(events);
    }

    /** Starts an empty result. */
    public static Builder builder() {
        return new Builder();
    }

    /** The metric named {@code name}; throws if it is absent. */
    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException(
                    "No metric '" + name + "' in this result; it has " + metrics.keySet());
        }
        return v;
    }

    /** Collects a {@link RunResult}. */
    public static final class Builder {
        private final Map<String, Double> metrics = new LinkedHashMap<>();
        private final Map<String, Plot> plots = new LinkedHashMap<>();
        private final Map<String, Object> artifacts = new LinkedHashMap<>();
        private final List<String> events = new ArrayList<>();

        private Builder() {}

        /** Sets a final metric. */
        public Builder metric(String name, double value) {
            metrics.put(name, value);
            return this;
        }

        /** Adds a plot's data. */
        public Builder plot(String name, Plot plot) {
            plots.put(name, plot);
            return this;
        }

        /** Adds a JSON-able artefact. */
        public Builder artifact(String name, Object value) {
            artifacts.put(name, value);
            return this;
        }

        /** Records a notable event. */
        public Builder event(String text) {
            events.add(text);
            return this;
        }

        /** The result collected so far. */
        public RunResult build() {
            return new RunResult(metrics, plots, artifacts, events);
        }
    }
}

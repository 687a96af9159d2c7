package org.metaforge.sdk;

import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;

/**
 * A capability of components with speed or memory claims: measure them in one run and report ratios
 * ({@code metaforge bench SPEC}). Timings are figures to read, never assertions.
 *
 * @param <C> the component's configuration record
 */
public interface Benchmarked<C extends Record> {

    /**
     * Measures the component on {@code task} under {@code config}.
     *
     * @return metrics holding the measured figures and ratios, with an artefact {@code lines}: the
     *     human-readable report, one line per entry
     */
    RunResult benchmark(RunContext context, C config, Task task);
}

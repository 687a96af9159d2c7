package org.metaforge.sdk;

import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.pf4j.ExtensionPoint;

/**
 * Optimises meta-parameters (hyperparameter schedules, initialisations) over inner runs.
 *
 * <p>Inner runs of other components go through {@link RunContext#trials()}, which caches each trial
 * as its own record, so an interrupted search resumes where it stopped.
 *
 * @param <C> the configuration record
 */
public interface MetaOptimizer<C extends Record> extends ExtensionPoint, Component<C> {

    /**
     * Searches on {@code task.train()} (splitting off its own validation data) and reports the best
     * configuration's metrics on {@code task.eval()}.
     */
    RunResult optimize(RunContext context, C config, Task task);
}

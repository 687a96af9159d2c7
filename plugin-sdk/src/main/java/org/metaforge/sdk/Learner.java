package org.metaforge.sdk;

import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.pf4j.ExtensionPoint;

/**
 * Trains a model on a task under given hyperparameters (an inner loop) and evaluates it.
 *
 * <p>Implementations are stateless: everything a run needs arrives through the context, the
 * configuration and the task. All NDArrays must be created on managers derived from {@link
 * RunContext#manager()}; the host closes that manager after the call. The same config, task and
 * seed must give the same result on the same machine and thread count.
 *
 * @param <C> the configuration record
 */
public interface Learner<C extends Record> extends ExtensionPoint, Component<C> {

    /**
     * Trains on {@code task.train()} and reports metrics on {@code task.eval()}.
     *
     * @return the metrics (at least {@code <evalName>_accuracy} or the task's main metric),
     *     learning curves and artefacts of the run
     * @throws org.metaforge.sdk.run.RunFailedException if training diverged or could not finish
     */
    RunResult fit(RunContext context, C config, Task task);
}

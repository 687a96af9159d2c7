package org.metaforge.sdk;

import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.pf4j.ExtensionPoint;

/**
 * Transfers a teacher's function into a student.
 *
 * <p>The teacher is obtained through the context (usually as a cached trial of a {@link Learner});
 * {@code task.eval()} measures the student. A zero-shot distiller must not read {@code
 * task.train()}.
 *
 * @param <C> the configuration record
 */
public interface Distiller<C extends Record> extends ExtensionPoint, Component<C> {

    /** Distils and reports the student's (and teacher's) metrics. */
    RunResult distill(RunContext context, C config, Task task);
}

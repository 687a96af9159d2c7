package org.metaforge.spark;

import java.io.Serializable;
import org.metaforge.framework.trial.WorkerProcess;

/**
 * What a Spark task sends back to the driver: the worker's answer and every store write of the
 * trial (and of the trials it ran itself).
 *
 * @param index the job's position in its batch
 * @param envelope the record's envelope, if the trial finished
 * @param failure why the trial failed by itself
 * @param badInput why the worker refused the trial
 * @param crash how the worker ended without an answer
 * @param writes the trial's store writes, for the driver to replay
 */
record TaskOutcome(
        int index,
        byte[] envelope,
        String failure,
        String badInput,
        String crash,
        TaskStore.Writes writes)
        implements Serializable {

    static TaskOutcome of(int index, WorkerProcess.Outcome o, TaskStore.Writes writes) {
        return new TaskOutcome(index, o.envelope(), o.failure(), o.badInput(), o.crash(), writes);
    }

    /** The worker's answer, as {@link WorkerProcess} gave it. */
    WorkerProcess.Outcome outcome() {
        return new WorkerProcess.Outcome(envelope, failure, badInput, crash);
    }
}

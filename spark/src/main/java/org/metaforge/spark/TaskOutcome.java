package org.metaforge.spark;

import java.io.Serializable;
import org.metaforge.framework.run.ResultCodec;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.framework.run.TrialExecutor.Completion;
import org.metaforge.framework.trial.Worker;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.store.Envelope;

/**
 * What a Spark task sends back to the driver: the worker's answer and every store write of the
 * trial (and of the trials it ran itself). A crashed worker is not an answer: its task fails, and
 * Spark runs it again.
 *
 * @param index the job's position in its batch
 * @param record the record's envelope, if the trial finished
 * @param failure why the trial failed by itself
 * @param badInput why the worker refused the trial
 * @param writes the trial's store writes, for the driver to replay
 */
record TaskOutcome(
        int index, byte[] record, String failure, String badInput, TaskStore.Writes writes)
        implements Serializable {

    /** The answer of a worker that did not crash. */
    static TaskOutcome of(int index, Worker.Outcome o, TaskStore.Writes writes) {
        byte[] record =
                o.record() == null
                        ? null
                        : ResultCodec.envelope("trial-result", o.record()).encode();
        return new TaskOutcome(index, record, o.failure(), o.badInput(), writes);
    }

    /**
     * The job's completion: its record, or the failure of the trial itself.
     *
     * @throws RunFailedException if the worker refused the trial
     */
    Completion completion(String name) {
        if (record != null) {
            RunRecord r = ResultCodec.decode(Envelope.decode(record));
            return new Completion(index, r, null);
        }
        if (failure != null) {
            return new Completion(index, null, new RunFailedException(failure));
        }
        throw new RunFailedException("The worker refused " + name + ": " + badInput);
    }
}

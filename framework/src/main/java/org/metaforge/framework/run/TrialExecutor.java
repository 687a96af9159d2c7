package org.metaforge.framework.run;

import java.util.List;
import java.util.function.Consumer;
import org.metaforge.sdk.run.RunFailedException;

/**
 * Runs trials somewhere else than the calling thread: worker processes on this machine ({@code
 * org.metaforge.framework.trial.ProcessTrialExecutor}), or later executors of a cluster.
 *
 * <p>The runner hands over only trials the store does not have, with their cache keys already
 * computed; whatever runs a trial runs {@code metaforge trial} (or {@link ExperimentRunner#trial})
 * on its spec, so it computes exactly the record the runner would have computed in process. The
 * trial's reads and writes of results, artefacts and checkpoints go to {@code store}, which the
 * executor serves to its trials (e.g. over their standard input and output).
 */
public interface TrialExecutor extends AutoCloseable {

    /**
     * Runs every job; returns once all have finished.
     *
     * @param done called exactly once per job that finished (its record, or the {@link
     *     RunFailedException} it failed with), from any thread, in completion order
     * @throws RunFailedException if a job could not be run at all (e.g. its worker crashed more
     *     often than the retries allow); jobs that finished were handed to {@code done} first
     * @throws java.util.concurrent.CancellationException if the calling thread was interrupted;
     *     running jobs are stopped
     */
    void run(List<TrialJob> jobs, TrialStore store, Consumer<Completion> done);

    /**
     * One finished job: exactly one of {@code record} and {@code failure} is non-null.
     *
     * @param index the job's position in the list given to {@link #run}
     * @param record the trial's record
     * @param failure why the trial failed (a failure of the trial itself, e.g. divergence)
     */
    record Completion(int index, RunRecord record, RunFailedException failure) {}

    /** Releases what the executor holds (workers, data files); the runtime calls it. */
    @Override
    default void close() {}
}

package org.metaforge.framework.run;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.metaforge.framework.BadInputException;
import org.metaforge.store.CacheKey;
import org.metaforge.store.Envelope;

/**
 * What a run reads from and writes to the result store: results, artefacts and checkpoints.
 *
 * <p>In the process that owns the store it is the store itself ({@link LocalTrialStore}); in a
 * trial worker process it is a channel to the parent, which alone opens the store (MapDB allows one
 * opener) and serves these calls from it. A cluster executor may serve them differently.
 * Implementations are thread-safe; a store that cannot be used fails with {@link
 * org.metaforge.sdk.run.RunFailedException}.
 */
public interface TrialStore {

    /**
     * Makes sure the store can be used before anything runs.
     *
     * @throws BadInputException if it is held by another process, cannot be created, or was corrupt
     */
    void open() throws BadInputException;

    /** The result stored under {@code key}, if any. */
    Optional<Envelope> result(CacheKey key);

    /** Records a result (deleting the key's checkpoints in the same commit). */
    void putResult(CacheKey key, Envelope result, Map<String, String> summary);

    /** The artefact {@code name} of the computation whose key is {@code keyHex}, if saved. */
    Optional<byte[]> artifact(String keyHex, String name);

    /**
     * The names of the artefacts of the computation whose key is {@code keyHex}, sorted; for
     * executors that ship the artefacts a trial will read (e.g. of the trial its {@code
     * continue-from} names) to where it runs.
     *
     * @throws UnsupportedOperationException if this store cannot list them (a worker's channel)
     */
    default List<String> artifactNames(String keyHex) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot list the artefacts of a computation.");
    }

    /** Saves an artefact of the computation {@code key}. */
    void putArtifact(CacheKey key, String name, byte[] bytes);

    /** The checkpoint {@code name} of the run {@code key}, if any. */
    Optional<byte[]> checkpoint(CacheKey key, String name);

    /** Saves a checkpoint of the run {@code key}. */
    void putCheckpoint(CacheKey key, String name, byte[] bytes);

    /** Deletes every checkpoint of the run {@code key}. */
    void deleteCheckpoints(CacheKey key);
}

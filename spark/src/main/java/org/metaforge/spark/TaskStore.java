package org.metaforge.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import org.metaforge.framework.run.TrialStore;
import org.metaforge.store.CacheKey;
import org.metaforge.store.Envelope;

/**
 * The store a trial sees inside a Spark task: reads come from what the task wrote itself, then from
 * the snapshot the driver shipped with the task; writes are kept in {@link Writes} for the driver.
 *
 * <p>What the snapshot lacks reads as absent: a nested trial stored on the driver is recomputed
 * (the same record; only time is lost), a checkpoint makes the trial start from scratch. Artefacts
 * are the exception a trial cannot recover from, so the driver ships those of every computation the
 * trial's configuration names by key (e.g. {@code continue-from}). Thread-safe.
 */
final class TaskStore implements TrialStore {

    private final Map<String, byte[]> snapshot;
    private final Writes writes = new Writes();

    /**
     * A store over a snapshot.
     *
     * @param snapshot artefacts by {@code <key hex>/<name>}
     */
    TaskStore(Map<String, byte[]> snapshot) {
        this.snapshot = snapshot;
    }

    @Override
    public void open() {
        // nothing to open: the driver holds the store
    }

    @Override
    public synchronized Optional<Envelope> result(CacheKey key) {
        Writes.Result r = writes.results.get(key.hex());
        return r == null ? Optional.empty() : Optional.of(Envelope.decode(r.envelope()));
    }

    @Override
    public synchronized void putResult(CacheKey key, Envelope result, Map<String, String> summary) {
        writes.results.put(
                key.hex(),
                new Writes.Result(
                        key.canonicalJson(), result.encode(), new LinkedHashMap<>(summary)));
        dropCheckpoints(key);
    }

    @Override
    public synchronized Optional<byte[]> artifact(String keyHex, String name) {
        Writes.Blob b = writes.artifacts.get(keyHex + "/" + name);
        if (b != null) {
            return Optional.of(b.bytes());
        }
        return Optional.ofNullable(snapshot.get(keyHex + "/" + name));
    }

    @Override
    public synchronized void putArtifact(CacheKey key, String name, byte[] bytes) {
        writes.artifacts.put(
                key.hex() + "/" + name, new Writes.Blob(key.canonicalJson(), name, bytes));
    }

    @Override
    public synchronized Optional<byte[]> checkpoint(CacheKey key, String name) {
        Writes.Blob b = writes.checkpoints.get(key.hex() + "/" + name);
        return b == null ? Optional.empty() : Optional.of(b.bytes());
    }

    @Override
    public synchronized void putCheckpoint(CacheKey key, String name, byte[] bytes) {
        writes.checkpoints.put(
                key.hex() + "/" + name, new Writes.Blob(key.canonicalJson(), name, bytes));
    }

    @Override
    public synchronized void deleteCheckpoints(CacheKey key) {
        dropCheckpoints(key);
        writes.deletedCheckpoints.add(key.canonicalJson());
    }

    private void dropCheckpoints(CacheKey key) {
        writes.checkpoints.keySet().removeIf(id -> id.startsWith(key.hex() + "/"));
    }

    /** What the trial wrote, for the driver. */
    synchronized Writes writes() {
        return writes;
    }

    /**
     * The writes of one task, in a form that travels from executor to driver. Checkpoints deleted
     * in the task (every finished trial deletes its own) do not travel.
     */
    static final class Writes implements Serializable {
        private static final long serialVersionUID = 1L;

        /** A result: the key's canonical JSON, the envelope's bytes, the summary. */
        record Result(String keyJson, byte[] envelope, LinkedHashMap<String, String> summary)
                implements Serializable {}

        /** An artefact or checkpoint: the key's canonical JSON, the name, the bytes. */
        record Blob(String keyJson, String name, byte[] bytes) implements Serializable {}

        final LinkedHashMap<String, Result> results = new LinkedHashMap<>();
        final LinkedHashMap<String, Blob> artifacts = new LinkedHashMap<>();
        final LinkedHashMap<String, Blob> checkpoints = new LinkedHashMap<>();
        final LinkedHashSet<String> deletedCheckpoints = new LinkedHashSet<>();

        /**
         * Writes everything into {@code store}: deletions, checkpoints and artefacts first, results
         * last, so that a driver stopped half-way never holds a result without its artefacts.
         */
        void replay(TrialStore store) {
            for (String key : deletedCheckpoints) {
                store.deleteCheckpoints(CacheKey.parse(key));
            }
            for (Blob c : checkpoints.values()) {
                store.putCheckpoint(CacheKey.parse(c.keyJson()), c.name(), c.bytes());
            }
            for (Blob a : artifacts.values()) {
                store.putArtifact(CacheKey.parse(a.keyJson()), a.name(), a.bytes());
            }
            for (Result r : results.values()) {
                store.putResult(
                        CacheKey.parse(r.keyJson()), Envelope.decode(r.envelope()), r.summary());
            }
        }

        /** How many records of each kind, e.g. for a log line. */
        String describe() {
            return results.size() + " result(s), " + artifacts.size() + " artefact(s)";
        }
    }
}

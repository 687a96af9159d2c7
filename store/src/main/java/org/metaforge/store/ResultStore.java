package org.metaforge.store;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.mapdb.DBException;
import org.metaforge.sdk.run.Checkpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The result, artifact and checkpoint store of one file, kept by MapDB.
 *
 * <p>Open it with {@link #open}, use it from any number of threads, and close it once (it is meant
 * to be owned by one try-with-resources block per process; MapDB admits one opener per file, so a
 * second {@code open} of the same file in this process fails). Every write is committed to the
 * write-ahead log before the method returns: a process killed at any moment leaves every record
 * whose write returned, and none half-written. Results and artefacts are also appended, fsynced, to
 * the journal {@code <file>.journal} before their commit, so they survive even a write-ahead log
 * that MapDB cannot replay; checkpoints are not journaled, as they only save recomputation.
 *
 * <p>Results are kept by {@link CacheKey}, with an index entry (type, time, summary) so that {@link
 * #listResults()} need not read payloads. Checkpoints and artifacts are kept by a key and a name.
 * All values are {@link Envelope}s in their own byte layout, each stored bound to the key it was
 * written under; the store never uses Java serialisation. A record that does not decode, or that is
 * not the one written under the key asked for (another key's or another map's value), raises {@link
 * CorruptRecordException} rather than being returned or skipped.
 *
 * <p>Thread-safe: reads and writes are synchronized on the store, so each commit holds exactly one
 * method's writes; {@link #path()} and {@link #recoveryNotice()} never change.
 */
public final class ResultStore implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Logger LOG = LoggerFactory.getLogger(ResultStore.class);
    private static final long NOT_JOURNALED = -1;

    private final Path path;
    private final StoreLayout layout;
    private final Journal journal;
    private final Optional<String> recoveryNotice;
    private boolean closed;

    /**
     * A write failed inside MapDB (damage, or an I/O error that may have left some): later writes
     * are refused, and the close leaves the owner record so the next open checks the file.
     */
    private boolean damaged;

    private ResultStore(
            Path path, StoreLayout layout, Journal journal, Optional<String> recoveryNotice) {
        this.path = path;
        this.layout = layout;
        this.journal = journal;
        this.recoveryNotice = recoveryNotice;
    }

    /**
     * Opens the store in {@code file}, creating it and its parent directories if needed.
     *
     * <p>If another process holds the file, waits up to {@code lockWait} for it. If the file cannot
     * be used (MapDB cannot open it; its format marker is missing or different; or its last holder
     * did not close it and a value does not read back as the one written under its key), moves it
     * and its write-ahead log files to {@code <file>.corrupt-<UTC time>}, creates a fresh store and
     * says so in {@link #recoveryNotice()}. Unless its format marker was the cause, the fresh store
     * is filled with every whole record of the journal {@code <file>.journal} (a record cut by a
     * kill is dropped) and the notice says how many results and artefacts came back; if the file
     * was a store of another format, its journal goes aside with it. The check of every value after
     * a holder that did not close the store reads the whole file once. A store of the format before
     * values were bound to their keys is upgraded in place. A journal with a bad header is moved
     * aside too and restarted from the store's contents. While open, {@code <file>.owner} names
     * this process for others who wait.
     *
     * @param file the store file
     * @param lockWait how long to wait for another holder; zero tries once
     * @throws StoreBusyException if another process still holds the store after {@code lockWait}
     * @throws IOException if the file or its directory cannot be used (permissions, a directory),
     *     or a fresh store cannot be created
     * @throws IllegalStateException if this process already has the file open
     */
    public static ResultStore open(Path file, Duration lockWait)
            throws StoreBusyException, IOException {
        return open(file, lockWait, LOG::info);
    }

    /**
     * Opens the store like {@link #open(Path, Duration)}, telling {@code waiting} once, in one
     * sentence naming the holder, when it starts to wait for another process.
     */
    public static ResultStore open(Path file, Duration lockWait, Consumer<String> waiting)
            throws StoreBusyException, IOException {
        Objects.requireNonNull(waiting, "waiting");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(lockWait, "lockWait");
        if (lockWait.isNegative()) {
            throw new IllegalArgumentException("lockWait must not be negative, got " + lockWait);
        }
        Path path = canonical(file);
        StoreOpener.Opened opened = StoreOpener.open(path, lockWait, waiting);
        return new ResultStore(path, opened.layout(), opened.journal(), opened.recoveryNotice());
    }

    /** The store file, absolute and with its directory's symbolic links resolved. */
    public Path path() {
        return path;
    }

    /**
     * Says where an unusable store file (or journal) was moved, and what was restored, if opening
     * had to replace it.
     *
     * <p>Callers should show it to the user: the cache they had is gone from this path.
     */
    public Optional<String> recoveryNotice() {
        return recoveryNotice;
    }

    /** The result stored under {@code key}, if any. */
    public synchronized Optional<Envelope> getResult(CacheKey key) {
        return getResult(key.hex());
    }

    /**
     * The result stored under the key with this hex, if any; for {@code metaforge show}.
     *
     * @throws IllegalArgumentException if {@code keyHex} is not 64 lowercase hex digits
     */
    public synchronized Optional<Envelope> getResult(String keyHex) {
        ensureOpen();
        if (!CacheKey.isHex(keyHex)) {
            throw new IllegalArgumentException(
                    "A result key is 64 lowercase hex digits, got '" + keyHex + "'.");
        }
        return read(layout.results, keyHex, "result " + keyHex);
    }

    /** Records a result with an empty summary; see {@link #putResult(CacheKey, Envelope, Map)}. */
    public synchronized void putResult(CacheKey key, Envelope result) {
        putResult(key, result, Map.of());
    }

    /**
     * Records {@code result} under {@code key}, replacing an older one, and commits.
     *
     * <p>In the same commit, stores the index entry that {@link #listResults()} returns and deletes
     * the checkpoints kept under {@code key}: a finished run does not resume.
     *
     * @param summary a few strings shown by {@code metaforge runs} (e.g. component, a metric)
     * @throws IllegalArgumentException if the result has one of the store's own types ({@code
     *     result-index}, {@link Envelope#CHECKPOINT}, {@link Envelope#ARTIFACT})
     */
    public synchronized void putResult(CacheKey key, Envelope result, Map<String, String> summary) {
        ensureOpen();
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(summary, "summary");
        if (!layout.results.holds(result.type())) {
            // Reads refuse such a value in the results map, as it is what a mix-up would leave.
            throw new IllegalArgumentException(
                    "A result cannot have the store's own type '"
                            + result.type()
                            + "'; use a type such as "
                            + Envelope.RUN_RESULT
                            + " or "
                            + Envelope.TRIAL_RESULT
                            + ".");
        }
        byte[] indexEntry =
                new Envelope(
                                1,
                                StoreLayout.INDEX_TYPE,
                                result.createdAt(),
                                toJson(
                                        new IndexEntry(
                                                key.canonicalJson(),
                                                result.type(),
                                                new TreeMap<>(summary))),
                                Envelope.JSON)
                        .encode();
        byte[] encoded = result.encode();
        long mark = journaled(() -> journal.appendResult(key.hex(), encoded, indexEntry));
        commit(
                "result " + key.hex(),
                mark,
                () -> {
                    layout.results.put(key.hex(), encoded);
                    layout.index.put(key.hex(), indexEntry);
                    removeAll(layout.checkpoints, key);
                });
    }

    /** Every stored result without its payload, oldest first. */
    public synchronized List<RunEntry> listResults() {
        ensureOpen();
        List<RunEntry> entries = new ArrayList<>();
        for (String keyHex : layout.index.keys()) {
            String what = "index entry of result " + keyHex;
            Envelope envelope = read(layout.index, keyHex, what).orElseThrow();
            IndexEntry entry;
            try {
                entry = JSON.readValue(envelope.payload(), IndexEntry.class);
            } catch (IOException | RuntimeException x) {
                throw corrupt(what, x);
            }
            entries.add(
                    new RunEntry(
                            keyHex,
                            entry.key(),
                            entry.type(),
                            envelope.createdAt(),
                            entry.summary() == null ? Map.of() : entry.summary()));
        }
        entries.sort(Comparator.comparing(RunEntry::createdAt).thenComparing(RunEntry::keyHex));
        return entries;
    }

    /**
     * Saves a checkpoint of the run {@code runKey}, replacing one of the same name, and commits.
     */
    public synchronized void putCheckpoint(CacheKey runKey, String name, byte[] bytes) {
        ensureOpen();
        byte[] encoded = Envelope.raw(Envelope.CHECKPOINT, 1, bytes).encode();
        String id = id(runKey, name);
        commit("checkpoint " + id, NOT_JOURNALED, () -> layout.checkpoints.put(id, encoded));
    }

    /** The checkpoint of the run {@code runKey} saved under {@code name}, if any. */
    public synchronized Optional<byte[]> getCheckpoint(CacheKey runKey, String name) {
        ensureOpen();
        String id = id(runKey, name);
        return read(layout.checkpoints, id, "checkpoint " + id).map(Envelope::payload);
    }

    /** Deletes every checkpoint of the run {@code runKey} and commits. */
    public synchronized void deleteCheckpoints(CacheKey runKey) {
        ensureOpen();
        commit(
                "the deletion of the checkpoints of " + runKey.hex(),
                NOT_JOURNALED,
                () -> removeAll(layout.checkpoints, runKey));
    }

    /**
     * The checkpoints of the run {@code runKey} as the SDK sees them.
     *
     * <p>The view writes through to this store and fails once the store is closed.
     */
    public Checkpoints checkpoints(CacheKey runKey) {
        Objects.requireNonNull(runKey, "runKey");
        return new Checkpoints() {
            @Override
            public void save(String name, byte[] bytes) {
                putCheckpoint(runKey, name, bytes);
            }

            @Override
            public Optional<byte[]> load(String name) {
                return getCheckpoint(runKey, name);
            }
        };
    }

    /** Saves an artefact (weights, a schedule) of the computation {@code key} and commits. */
    public synchronized void putArtifact(CacheKey key, String name, byte[] bytes) {
        ensureOpen();
        byte[] encoded = Envelope.raw(Envelope.ARTIFACT, 1, bytes).encode();
        String id = id(key, name);
        long mark = journaled(() -> journal.appendArtifact(id, encoded));
        commit("artifact " + id, mark, () -> layout.artifacts.put(id, encoded));
    }

    /** The artefact of the computation {@code key} saved under {@code name}, if any. */
    public synchronized Optional<byte[]> getArtifact(CacheKey key, String name) {
        ensureOpen();
        String id = id(key, name);
        return read(layout.artifacts, id, "artifact " + id).map(Envelope::payload);
    }

    /**
     * The artefact saved under {@code name} by the computation whose key is {@code keyHex} (as
     * {@link CacheKey#hex()} prints it), if any.
     */
    public synchronized Optional<byte[]> getArtifact(String keyHex, String name) {
        ensureOpen();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("An artefact name must be non-empty.");
        }
        String id = keyHex + "/" + name;
        return read(layout.artifacts, id, "artifact " + id).map(Envelope::payload);
    }

    /** The names of the artefacts of the computation {@code key}, sorted. */
    public List<String> artifactNames(CacheKey key) {
        return artifactNames(key.hex());
    }

    /**
     * The names of the artefacts of the computation whose key is {@code keyHex} (as {@link
     * CacheKey#hex()} prints it), sorted.
     */
    public synchronized List<String> artifactNames(String keyHex) {
        ensureOpen();
        String prefix = keyHex + "/";
        List<String> names = new ArrayList<>();
        for (String id : layout.artifacts.keysUnder(keyHex)) {
            names.add(id.substring(prefix.length()));
        }
        return names;
    }

    /**
     * Closes the file and deletes the owner record. Idempotent; uncommitted work cannot exist, as
     * every write commits.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Delete the owner record while still holding the lock: deleted after, it could be the
        // record of the next holder, written between our unlock and our delete. After a write
        // that MapDB failed, leave it, so the next open checks the file as after a kill.
        if (!damaged) {
            StoreOpener.releasing(path);
        }
        try {
            layout.db.close();
        } finally {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.warn("Cannot close journal {}: {}", journal.file(), e.toString());
            }
            StoreOpener.released(path);
        }
    }

    @Override
    public String toString() {
        return "ResultStore[" + path + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Store " + path + " is closed.");
        }
    }

    /** Appends to the journal (fsynced) and returns its length before the append. */
    private long journaled(JournalAppend append) {
        try {
            return append.run();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot append to journal "
                            + journal.file()
                            + " of store "
                            + path
                            + ": "
                            + e.getMessage()
                            + ". Nothing was stored; free disk space or fix the file's"
                            + " permissions and retry.",
                    e);
        }
    }

    /**
     * Runs {@code writes} and commits them, or rolls them back if any fails and cuts the journal
     * back to {@code journalMark} (unless it is {@link #NOT_JOURNALED}).
     */
    private void commit(String what, long journalMark, Runnable writes) {
        if (damaged) {
            StoreDamagedException refused = damagedAt(what, null);
            undoJournal(journalMark, refused);
            throw refused;
        }
        try {
            writes.run();
            layout.db.commit();
        } catch (RuntimeException e) {
            try {
                layout.db.rollback();
            } catch (RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            undoJournal(journalMark, e);
            if (e instanceof DBException) {
                damaged = true;
                throw damagedAt(what, e);
            }
            throw e;
        }
    }

    /** Cuts the journal back to {@code mark}, unless the write was not journaled. */
    private void undoJournal(long mark, RuntimeException failure) {
        if (mark != NOT_JOURNALED) {
            try {
                journal.truncate(mark);
            } catch (IOException undo) {
                failure.addSuppressed(undo);
            }
        }
    }

    /** The error of a write that MapDB failed, or that follows one ({@code cause} null). */
    private StoreDamagedException damagedAt(String what, RuntimeException cause) {
        String failure =
                cause == null
                        ? "an earlier write of this command failed there"
                        : "MapDB failed: " + StoreOpener.summary(cause);
        return new StoreDamagedException(
                "Store "
                        + path
                        + " could not record "
                        + what
                        + " ("
                        + failure
                        + "): "
                        + (cause == null || damage(cause)
                                ? "the file is damaged below its records"
                                : "MapDB could not complete the write")
                        + ". Nothing of that write was kept; every record stored before it was,"
                        + " and results and artifacts are also in the journal "
                        + journal.file()
                        + ". The next command that opens the store checks the whole file and, if"
                        + " it finds damage, moves it aside and rebuilds it from that journal:"
                        + " run the command again.",
                cause);
    }

    /** Whether MapDB's {@code e} says the file is damaged, rather than that I/O failed. */
    private static boolean damage(RuntimeException e) {
        return e instanceof DBException.DataCorruption || e instanceof DBException.GetVoid;
    }

    @FunctionalInterface
    private interface JournalAppend {
        long run() throws IOException;
    }

    /**
     * The envelope under {@code key} in {@code map}, if any; one that is damaged, or is not the one
     * written under that key (another key's value, or another map's), is never returned.
     */
    private Optional<Envelope> read(EnvelopeMap map, String key, String what) {
        try {
            return Optional.ofNullable(map.get(key));
        } catch (IllegalArgumentException e) {
            throw corrupt(what, e);
        }
    }

    private CorruptRecordException corrupt(String what, Exception cause) {
        return new CorruptRecordException(
                "The "
                        + what
                        + " in store "
                        + path
                        + " cannot be read: "
                        + cause.getMessage()
                        + " Write it again (for a result, run with --no-cache) or move the store"
                        + " aside.",
                cause);
    }

    private static String id(CacheKey key, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("A checkpoint or artefact name must be non-empty.");
        }
        return key.hex() + "/" + name;
    }

    private static void removeAll(EnvelopeMap map, CacheKey key) {
        for (String id : map.keysUnder(key.hex())) {
            map.remove(id);
        }
    }

    private static byte[] toJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write an index entry as JSON", e);
        }
    }

    private static Path canonical(Path file) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        return parent.toRealPath().resolve(absolute.getFileName());
    }

    /** What {@link #listResults()} reads without touching the payload. */
    record IndexEntry(String key, String type, Map<String, String> summary) {}
}

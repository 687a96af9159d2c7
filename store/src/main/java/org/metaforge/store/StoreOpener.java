package org.metaforge.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.mapdb.DB;
import org.mapdb.DBException;
import org.mapdb.DBMaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a store file: waits for another holder, moves an unusable file aside, records the owner.
 */
final class StoreOpener {

    private static final Logger LOG = LoggerFactory.getLogger(StoreOpener.class);
    private static final long RETRY_MILLIS = 100;
    private static final long FORENSIC_COPY_LIMIT = 256L << 20;

    /** Store files open in this JVM: MapDB allows one opener per file per process. */
    private static final Set<Path> OPEN_HERE = ConcurrentHashMap.newKeySet();

    private StoreOpener() {}

    /** An opened store, its journal and, if either had to be rebuilt, the sentences saying so. */
    record Opened(StoreLayout layout, Journal journal, Optional<String> recoveryNotice) {}

    static Opened open(Path path, Duration lockWait, Consumer<String> waiting) throws IOException {
        if (OPEN_HERE.contains(path)) {
            throw alreadyOpenHere(path);
        }
        long deadline = System.nanoTime() + lockWait.toNanos();
        boolean announced = false;
        Quarantine.Moved moved = null;
        String reason = null;
        // Whether the journal can rebuild the store: not when the file is a store of another
        // format or not ours at all, as its journal then describes that other store.
        boolean replayJournal = false;
        while (true) {
            requireUsablePath(path);
            boolean existed = Files.exists(path);
            // Left by a holder killed during a commit; MapDB replays it when opening.
            boolean walLeft = !Quarantine.walFiles(path).isEmpty();
            DB db;
            try {
                db = DBMaker.fileDB(path.toFile()).transactionEnable().make();
            } catch (RuntimeException e) {
                if (isFileLocked(e)) {
                    if (OPEN_HERE.contains(path)) {
                        throw alreadyOpenHere(path);
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw busy(path, lockWait);
                    }
                    if (!announced) {
                        waiting.accept(
                                holderSentence(path)
                                        + "; waiting up to "
                                        + seconds(lockWait)
                                        + ".");
                        announced = true;
                    }
                    pause(path, Math.min(RETRY_MILLIS, Math.max(1, left / 1_000_000)));
                    continue;
                }
                if (!existed || moved != null) {
                    throw new IOException(
                            "Cannot create store " + path + ": " + summary(e) + ".", e);
                }
                // MapDB keeps its lock on the file it failed to open (it leaks the handle), so
                // no other process can open it while we move it aside.
                reason = "MapDB cannot open it: " + summary(e);
                moved = Quarantine.moveAside(path);
                replayJournal = true;
                continue;
            }
            StoreLayout layout;
            try {
                // We hold the lock now: an owner record left means its holder never closed the
                // store (a clean close deletes it first), so MapDB may have replayed its log.
                boolean unclean = walLeft || Files.exists(OwnerRecord.sidecarOf(path));
                layout = StoreLayout.attach(db, existed && unclean);
                if (existed && unclean) {
                    StoreLayout.checkFreeSpace(path);
                }
            } catch (RuntimeException e) {
                if (!existed || moved != null) {
                    closeQuietly(db);
                    throw new IOException(
                            "Cannot set up new store " + path + ": " + summary(e) + ".", e);
                }
                boolean unusable = e instanceof StoreLayout.Unusable;
                reason =
                        unusable
                                ? e.getMessage()
                                : e instanceof StoreLayout.Damaged
                                        ? "its last holder did not close it, and " + e.getMessage()
                                        : summary(e);
                try {
                    // Move while still holding the lock, so no other process opens it between.
                    moved = Quarantine.moveAside(path);
                    replayJournal = !unusable;
                    if (unusable && Files.exists(Journal.pathOf(path))) {
                        Files.move(Journal.pathOf(path), Journal.pathOf(moved.target()));
                    }
                } finally {
                    closeQuietly(db);
                }
                continue;
            }
            Journal journal;
            List<String> sentences = new ArrayList<>();
            try {
                journal = openJournal(path, sentences);
                Journal.Replayed replayed = null;
                if (moved != null && replayJournal && !journal.created()) {
                    keepCopy(journal.file(), Journal.pathOf(moved.target()));
                    replayed = journal.replay(layout);
                } else if (journal.created()) {
                    int seeded = journal.seedFrom(layout);
                    if (seeded > 0) {
                        LOG.info("Started journal {} with {} records.", journal.file(), seeded);
                    }
                }
                if (moved != null) {
                    sentences.add(0, notice(path, reason, moved, replayed, journal.file()));
                }
            } catch (IOException | RuntimeException e) {
                closeQuietly(db);
                throw new IOException(
                        "Cannot use the journal of store " + path + ": " + summary(e) + ".", e);
            }
            OPEN_HERE.add(path);
            recordOwner(path);
            Optional<String> notice = Optional.empty();
            if (!sentences.isEmpty()) {
                notice = Optional.of(String.join(" ", sentences));
                LOG.warn(notice.get());
            }
            return new Opened(layout, journal, notice);
        }
    }

    /** Deletes the owner record of {@code path}; call it before unlocking the file. */
    static void releasing(Path path) {
        try {
            OwnerRecord.deleteIfOurs(OwnerRecord.sidecarOf(path));
        } catch (IOException e) {
            LOG.warn("Cannot delete owner record of store {}: {}", path, e.toString());
        }
    }

    /** Forgets that {@code path} is open here; call it after closing the file. */
    static void released(Path path) {
        OPEN_HERE.remove(path);
    }

    private static void recordOwner(Path path) {
        try {
            OwnerRecord.current().write(OwnerRecord.sidecarOf(path));
        } catch (IOException e) {
            // The sidecar only informs waiting processes; the lock is what protects the store.
            LOG.warn("Cannot write owner record of store {}: {}", path, e.toString());
        }
    }

    /** Opens the journal, moving one with a bad header aside and saying so in {@code notes}. */
    private static Journal openJournal(Path store, List<String> notes) throws IOException {
        Path file = Journal.pathOf(store);
        try {
            return Journal.open(file);
        } catch (Journal.BadHeader e) {
            Path aside = Journal.moveAside(file);
            notes.add(
                    "Journal "
                            + file
                            + " could not be used ("
                            + e.getMessage()
                            + ") and was moved to "
                            + aside
                            + "; a fresh journal was started from the store's contents.");
            return Journal.open(file);
        }
    }

    /** Copies the journal next to the quarantined store for study, if that is cheap. */
    private static void keepCopy(Path journal, Path target) {
        try {
            long size = Files.size(journal);
            if (size > FORENSIC_COPY_LIMIT) {
                LOG.info("Not copying journal {} ({} bytes) for study.", journal, size);
                return;
            }
            Files.copy(journal, target);
        } catch (IOException e) {
            LOG.warn("Cannot copy journal {} to {}: {}", journal, target, e.toString());
        }
    }

    private static String notice(
            Path path,
            String reason,
            Quarantine.Moved moved,
            Journal.Replayed replayed,
            Path journal) {
        String wals =
                moved.walFiles() == 0
                        ? ""
                        : " (with its "
                                + moved.walFiles()
                                + " write-ahead log file"
                                + (moved.walFiles() == 1 ? "" : "s")
                                + ")";
        return "Store "
                + path
                + " could not be used ("
                + reason
                + ") and was moved to "
                + moved.target()
                + wals
                + (replayed == null
                        ? "; a fresh, empty store was created in its place."
                        : "; a fresh store was created in its place and "
                                + count(replayed.results(), "result")
                                + " and "
                                + count(replayed.artifacts(), "artifact")
                                + " were restored from its journal "
                                + journal
                                + ".");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static void requireUsablePath(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(
                    "Store " + path + " is a directory; pass --store with a file path.");
        }
        // Without this check an unreadable but healthy store would be mistaken for a corrupt one.
        if (Files.exists(path) && !(Files.isReadable(path) && Files.isWritable(path))) {
            throw new IOException(
                    "Store "
                            + path
                            + " is not readable and writable by this user; fix its permissions"
                            + " or pass --store with another path.");
        }
    }

    private static boolean isFileLocked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DBException.FileLocked) {
                return true;
            }
        }
        return false;
    }

    private static StoreBusyException busy(Path path, Duration waited) {
        long pid =
                OwnerRecord.read(OwnerRecord.sidecarOf(path))
                        .filter(owner -> !owner.hasExited())
                        .map(OwnerRecord::pid)
                        .orElse(-1L);
        return new StoreBusyException(
                holderSentence(path)
                        + "; waited "
                        + seconds(waited)
                        + ". Wait for it to finish or pass --store with another path.",
                path,
                pid);
    }

    private static String holderSentence(Path path) {
        Path sidecar = OwnerRecord.sidecarOf(path);
        Optional<OwnerRecord> owner = OwnerRecord.read(sidecar);
        if (owner.isPresent() && owner.get().hasExited()) {
            return "Store "
                    + path
                    + " is held by another process (its owner record names "
                    + owner.get().describe()
                    + ", which has exited)";
        }
        return owner.map(o -> "Store " + path + " is held by " + o.describe())
                .orElse(
                        "Store "
                                + path
                                + " is held by another process (it left no owner record in "
                                + sidecar
                                + ")");
    }

    private static IllegalStateException alreadyOpenHere(Path path) {
        return new IllegalStateException(
                "Store "
                        + path
                        + " is already open in this process; share that one ResultStore instead"
                        + " of opening the file again.");
    }

    private static void pause(Path path, long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for store " + path);
        }
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0
                ? millis / 1000 + " s"
                : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** {@code e}'s simple class name and message, and its cause's class if it has one. */
    static String summary(Throwable e) {
        StringBuilder out = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            out.append(": ").append(e.getMessage());
        }
        if (e.getCause() != null && e.getCause() != e) {
            out.append(" (").append(e.getCause().getClass().getSimpleName()).append(")");
        }
        return out.toString();
    }

    private static void closeQuietly(DB db) {
        try {
            db.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing an unusable store failed", e);
        }
    }
}

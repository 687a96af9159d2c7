package org.metaforge.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    /** Store files open in this JVM: MapDB allows one opener per file per process. */
    private static final Set<Path> OPEN_HERE = ConcurrentHashMap.newKeySet();

    private StoreOpener() {}

    /** An opened store and, if it had to be rebuilt, the sentence saying so. */
    record Opened(StoreLayout layout, Optional<String> recoveryNotice) {}

    static Opened open(Path path, Duration lockWait) throws IOException {
        if (OPEN_HERE.contains(path)) {
            throw alreadyOpenHere(path);
        }
        long deadline = System.nanoTime() + lockWait.toNanos();
        boolean announced = false;
        Quarantine.Moved moved = null;
        String reason = null;
        while (true) {
            requireUsablePath(path);
            boolean existed = Files.exists(path);
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
                        LOG.info("{}; waiting up to {}.", holderSentence(path), seconds(lockWait));
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
                continue;
            }
            StoreLayout layout;
            try {
                layout = StoreLayout.attach(db);
            } catch (RuntimeException e) {
                if (!existed || moved != null) {
                    closeQuietly(db);
                    throw new IOException(
                            "Cannot set up new store " + path + ": " + summary(e) + ".", e);
                }
                reason = e instanceof StoreLayout.Unusable ? e.getMessage() : summary(e);
                try {
                    // Move while still holding the lock, so no other process opens it between.
                    moved = Quarantine.moveAside(path);
                } finally {
                    closeQuietly(db);
                }
                continue;
            }
            OPEN_HERE.add(path);
            recordOwner(path);
            Optional<String> notice = Optional.empty();
            if (moved != null) {
                notice = Optional.of(notice(path, reason, moved));
                LOG.warn(notice.get());
            }
            return new Opened(layout, notice);
        }
    }

    /** Forgets that {@code path} is open here and deletes its owner record. */
    static void released(Path path) {
        try {
            OwnerRecord.deleteIfOurs(OwnerRecord.sidecarOf(path));
        } catch (IOException e) {
            LOG.warn("Cannot delete owner record of store {}: {}", path, e.toString());
        } finally {
            OPEN_HERE.remove(path);
        }
    }

    private static void recordOwner(Path path) {
        try {
            OwnerRecord.current().write(OwnerRecord.sidecarOf(path));
        } catch (IOException e) {
            // The sidecar only informs waiting processes; the lock is what protects the store.
            LOG.warn("Cannot write owner record of store {}: {}", path, e.toString());
        }
    }

    private static String notice(Path path, String reason, Quarantine.Moved moved) {
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
                + "; a fresh, empty store was created in its place.";
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

    private static String summary(Throwable e) {
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

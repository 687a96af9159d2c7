package org.metaforge.store;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Moves an unusable store file and its write-ahead log files aside, keeping them for study. */
final class Quarantine {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private Quarantine() {}

    /**
     * Renames {@code store} to {@code <store>.corrupt-<UTC time>} and each {@code <store>.wal.N} to
     * {@code <store>.corrupt-<UTC time>.wal.N}, so the set still opens as a MapDB store.
     *
     * @return the new path of the store file
     */
    static Moved moveAside(Path store) throws IOException {
        String name = store.getFileName().toString();
        Path target = store.resolveSibling(name + ".corrupt-" + STAMP.format(Instant.now()));
        for (int n = 1;
                Files.exists(target) || hasWalFiles(target) || Files.exists(Journal.pathOf(target));
                n++) {
            target =
                    store.resolveSibling(
                            name + ".corrupt-" + STAMP.format(Instant.now()) + "-" + n);
        }
        List<Path> wals = walFiles(store);
        move(store, target);
        for (Path wal : wals) {
            String suffix = wal.getFileName().toString().substring(name.length());
            move(wal, target.resolveSibling(target.getFileName() + suffix));
        }
        return new Moved(target, wals.size());
    }

    /** A free name {@code <file>.corrupt-<UTC time>} for a file that is moved aside. */
    static Path asideName(Path file) {
        String name = file.getFileName().toString();
        Path target = file.resolveSibling(name + ".corrupt-" + STAMP.format(Instant.now()));
        for (int n = 1; Files.exists(target); n++) {
            target =
                    file.resolveSibling(name + ".corrupt-" + STAMP.format(Instant.now()) + "-" + n);
        }
        return target;
    }

    /** Where a store went, and how many write-ahead log files went with it. */
    record Moved(Path target, int walFiles) {}

    /** The store's write-ahead log files, {@code <store>.wal.<number>}. */
    static List<Path> walFiles(Path store) throws IOException {
        String prefix = store.getFileName() + ".wal.";
        List<Path> wals = new ArrayList<>();
        Path dir = store.toAbsolutePath().getParent();
        try (DirectoryStream<Path> files =
                Files.newDirectoryStream(
                        dir, file -> file.getFileName().toString().startsWith(prefix))) {
            for (Path file : files) {
                String suffix = file.getFileName().toString().substring(prefix.length());
                if (!suffix.isEmpty() && suffix.chars().allMatch(Character::isDigit)) {
                    wals.add(file);
                }
            }
        }
        wals.sort(null);
        return wals;
    }

    private static boolean hasWalFiles(Path store) throws IOException {
        return !walFiles(store).isEmpty();
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}

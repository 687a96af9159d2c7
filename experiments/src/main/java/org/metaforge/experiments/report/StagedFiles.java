package org.metaforge.experiments.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files written to hidden temporary names in one directory and renamed into place only when all of
 * them are on disk, so no reader ever sees a half-written file.
 *
 * <p>Temporary files are named {@code .<name>.<random>.tmp}. {@link #commit()} renames them in the
 * order they were staged; {@link #close()} deletes whatever was not committed.
 */
final class StagedFiles implements AutoCloseable {

    private final Path dir;
    private final Map<Path, Path> tempByTarget = new LinkedHashMap<>();

    StagedFiles(Path dir) {
        this.dir = dir;
    }

    /** Writes {@code content} to a temporary file and flushes it to the device. */
    void stage(String fileName, byte[] content) throws IOException {
        Path target = dir.resolve(fileName);
        Path temp =
                dir.resolve(
                        "."
                                + fileName
                                + "."
                                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                                + ".tmp");
        // Not Files.createTempFile: its files are private (0600); ours get the usual umask.
        try (FileChannel channel =
                FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            tempByTarget.put(target, temp);
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            // Without this a power cut after the rename could leave an empty file in place.
            channel.force(true);
        }
    }

    /** Renames every staged file onto its final name, replacing an older one. */
    void commit() throws IOException {
        Iterator<Map.Entry<Path, Path>> entries = tempByTarget.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<Path, Path> entry = entries.next();
            move(entry.getValue(), entry.getKey());
            entries.remove();
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(
                    temp,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Same directory, so this is still a rename on every file system we know of.
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes the temporary files that were not committed. */
    @Override
    public void close() {
        for (Path temp : tempByTarget.values()) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // Best effort: a stray hidden .tmp file is harmless, the original error matters.
            }
        }
        tempByTarget.clear();
    }
}

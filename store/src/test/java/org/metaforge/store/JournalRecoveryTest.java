package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The journal rebuilds a store that MapDB cannot open. Oracle: every result and artefact read back
 * is byte-equal to the last one written under its key, and the recovery notice states the counts.
 */
class JournalRecoveryTest {

    @TempDir Path dir;

    private Path store() {
        return dir.resolve("store.db");
    }

    private static CacheKey key(int i) {
        return CacheKey.builder().component("demo/sgd", "1.0.0").seed(i).build();
    }

    private static Envelope result(int i, int version) {
        return new Envelope(
                1,
                Envelope.RUN_RESULT,
                Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i),
                ("{\"i\":" + i + ",\"v\":" + version + "}").getBytes(StandardCharsets.UTF_8),
                Envelope.JSON);
    }

    private static byte[] artifact(int i) {
        byte[] bytes = new byte[1000 + i];
        for (int b = 0; b < bytes.length; b++) {
            bytes[b] = (byte) (b * 7 + i);
        }
        return bytes;
    }

    /** Writes results 0..n-1 (result 0 twice), artefacts of 0 and 1, and a checkpoint. */
    private void writeRecords(int n) throws IOException {
        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            store.putResult(key(0), result(0, 0), Map.of("v", "0"));
            for (int i = 0; i < n; i++) {
                store.putResult(key(i), result(i, 1), Map.of("index", Integer.toString(i)));
            }
            store.putArtifact(key(0), "weights", artifact(0));
            store.putArtifact(key(1), "schedule", artifact(1));
            store.putCheckpoint(key(n), "step", new byte[] {9});
        }
    }

    /** Replaces the store file by garbage, as MapDB's failure to replay its log would leave it. */
    private void breakStoreFile() throws IOException {
        Files.writeString(store(), "garbage ".repeat(1000));
    }

    private void assertResults(ResultStore store, int n) {
        for (int i = 0; i < n; i++) {
            Envelope got = store.getResult(key(i)).orElseThrow(AssertionError::new);
            assertEquals(result(i, 1), got, "result " + i);
        }
        assertEquals(Optional.empty(), store.getResult(key(n)));
        List<RunEntry> entries = store.listResults();
        assertEquals(n, entries.size());
        for (int i = 0; i < n; i++) {
            assertEquals(key(i).canonicalJson(), entries.get(i).keyJson());
            assertEquals(Map.of("index", Integer.toString(i)), entries.get(i).summary());
        }
    }

    private List<Path> aside() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().contains(".corrupt-"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void restoresResultsAndArtifactsFromJournalWhenMapDbCannotOpenTheStore() throws IOException {
        writeRecords(3);
        breakStoreFile();

        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(
                    notice.contains(
                            "a fresh store was created in its place and 3 results and 2"
                                    + " artifacts were restored from its journal "
                                    + Journal.pathOf(store())),
                    notice);
            assertResults(store, 3);
            assertArrayEquals(artifact(0), store.getArtifact(key(0), "weights").orElseThrow());
            assertArrayEquals(artifact(1), store.getArtifact(key(1), "schedule").orElseThrow());
            // Checkpoints are not journaled: the run recomputes from its start.
            assertEquals(Optional.empty(), store.getCheckpoint(key(3), "step"));
            Path moved = aside().get(0);
            assertArrayEquals(
                    Files.readAllBytes(Journal.pathOf(store())),
                    Files.readAllBytes(Journal.pathOf(moved)),
                    "a copy of the journal is kept with the quarantined store");
        }
        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            assertEquals(Optional.empty(), store.recoveryNotice());
            assertResults(store, 3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cut", "garbage", "cut-then-garbage"})
    void ignoresTornJournalTail(String damage) throws IOException {
        writeRecords(4);
        long whole = Files.size(Journal.pathOf(store()));
        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            store.putResult(key(4), result(4, 1), Map.of("index", "4"));
        }
        long withLast = Files.size(Journal.pathOf(store()));
        if (damage.startsWith("cut")) {
            try (RandomAccessFile file =
                    new RandomAccessFile(Journal.pathOf(store()).toFile(), "rw")) {
                file.setLength(withLast - 5);
            }
        }
        if (damage.endsWith("garbage")) {
            Files.write(
                    Journal.pathOf(store()),
                    "\u0000\u0001garbage after the last record".getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.APPEND);
        }
        breakStoreFile();
        int expected = damage.startsWith("cut") ? 4 : 5;

        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(
                    notice.contains(expected + " results and 2 artifacts were restored"), notice);
            assertResults(store, expected);
            assertEquals(
                    expected == 4 ? whole : withLast,
                    Files.size(Journal.pathOf(store())),
                    "the journal is cut after its last whole record");
        }
    }

    @Test
    void appendsAfterATornTailFoundOnAHealthyOpenStayRecoverable() throws IOException {
        writeRecords(2);
        Files.write(
                Journal.pathOf(store()),
                new byte[] {0x4D, 0x46, 0x4A, 0x52, 0, 0, 1},
                StandardOpenOption.APPEND);
        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            assertEquals(Optional.empty(), store.recoveryNotice());
            store.putResult(key(2), result(2, 1), Map.of("index", "2"));
        }
        breakStoreFile();

        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(notice.contains("3 results and 2 artifacts were restored"), notice);
            assertResults(store, 3);
        }
    }

    @Test
    void movesJournalWithBadHeaderAsideAndRestartsItFromTheStore() throws IOException {
        writeRecords(3);
        byte[] journal = Files.readAllBytes(Journal.pathOf(store()));
        journal[2] ^= 0x20;
        Files.write(Journal.pathOf(store()), journal);

        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(notice.contains("Journal " + Journal.pathOf(store())), notice);
            assertTrue(notice.contains("does not start with a journal header"), notice);
            Path moved = aside().get(0);
            assertTrue(notice.contains("moved to " + moved), notice);
            assertArrayEquals(journal, Files.readAllBytes(moved));
            assertResults(store, 3);
        }
        // The restarted journal holds the store's contents, so it can rebuild the store.
        breakStoreFile();
        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(notice.contains("3 results and 2 artifacts were restored"), notice);
            assertResults(store, 3);
            assertArrayEquals(artifact(0), store.getArtifact(key(0), "weights").orElseThrow());
        }
    }

    @Test
    void journalsAStoreWrittenBeforeJournalsExisted() throws IOException {
        writeRecords(2);
        Files.delete(Journal.pathOf(store()));
        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            assertEquals(Optional.empty(), store.recoveryNotice());
        }
        breakStoreFile();

        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(notice.contains("2 results and 2 artifacts were restored"), notice);
            assertResults(store, 2);
        }
    }

    @Test
    void saysTheStoreIsEmptyWhenThereWasNoJournal() throws IOException {
        breakStoreFile();
        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(notice.contains("a fresh, empty store was created"), notice);
            assertTrue(store.listResults().isEmpty());
        }
    }
}

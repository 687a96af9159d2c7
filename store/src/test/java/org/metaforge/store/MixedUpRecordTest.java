package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A value found under another key, or in another map, than it was written to: what a damaged replay
 * of MapDB's write-ahead log after a kill left once (a result read back as its 185-byte index
 * entry, with a valid checksum). Oracle: such a value is never returned as the record asked for;
 * every other record reads back byte-equal to what was written.
 */
class MixedUpRecordTest {

    @TempDir Path dir;

    private Path file() {
        return dir.resolve("store.db");
    }

    static CacheKey key(int i) {
        return CacheKey.builder().component("demo/sgd", "1.0.0").seed(i).build();
    }

    /** A trial result of {@code 1000 + i} bytes whose payload depends on {@code i}. */
    static Envelope result(int i) {
        byte[] payload = new byte[1000 + i];
        for (int b = 0; b < payload.length; b++) {
            payload[b] = (byte) (b * 13 + i);
        }
        return new Envelope(
                1,
                Envelope.TRIAL_RESULT,
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i),
                payload,
                Envelope.RAW);
    }

    /** Writes results 0..n-1 with summaries, artefacts and checkpoints of result 0, and closes. */
    private void write(int n) throws IOException {
        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            for (int i = 0; i < n; i++) {
                store.putResult(key(i), result(i), Map.of("index", Integer.toString(i)));
            }
            store.putArtifact(key(0), "weights", new byte[] {1, 2});
            store.putArtifact(key(0), "schedule", new byte[] {3, 4});
            store.putCheckpoint(key(n), "step", new byte[] {5});
            store.putCheckpoint(key(n), "epoch", new byte[] {6});
        }
    }

    /** Stores the bytes found in {@code fromMap} under {@code fromKey} under {@code key}, too. */
    private void copyValue(String fromMap, String fromKey, String toMap, String key) {
        try (RawStore raw = RawStore.open(file())) {
            byte[] value = raw.map(fromMap).get(fromKey);
            raw.map(toMap).put(key, value);
            raw.commit();
        }
    }

    /** Leaves the owner record a holder killed while the store was open leaves. */
    private void leaveOwnerRecordOfAKilledHolder() throws Exception {
        leaveOwnerRecordOfAKilledHolder(file());
    }

    /** Leaves next to {@code store} the owner record a holder killed while it was open leaves. */
    static void leaveOwnerRecordOfAKilledHolder(Path store) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        OwnerRecord me = OwnerRecord.current();
        new OwnerRecord(gone.pid(), me.host(), "killed writer", "", me.openedAt())
                .write(OwnerRecord.sidecarOf(store));
    }

    private List<Path> quarantined() throws IOException {
        return quarantined(dir);
    }

    /** The store files moved aside in {@code dir}, without their journals' copies. */
    static List<Path> quarantined(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("store.db.corrupt-"))
                    .filter(f -> !f.getFileName().toString().endsWith(".journal"))
                    .toList();
        }
    }

    private static void assertCorrupt(String expected, Runnable read) {
        CorruptRecordException e = assertThrows(CorruptRecordException.class, read::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("--no-cache"), e.getMessage());
    }

    @Test
    void refusesTheResultOfAnotherKeyFoundUnderAKey() throws IOException {
        write(2);
        copyValue(StoreLayout.RESULTS, key(1).hex(), StoreLayout.RESULTS, key(0).hex());

        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            assertCorrupt(
                    "The result "
                            + key(0).hex()
                            + " in store "
                            + store.path()
                            + " cannot be read: It is the value of results entry "
                            + key(1).hex(),
                    () -> store.getResult(key(0)));
            assertEquals(Optional.of(result(1)), store.getResult(key(1)));

            // Writing the result again replaces the mixed-up value, as for any damaged record.
            store.putResult(key(0), result(0));
            assertEquals(Optional.of(result(0)), store.getResult(key(0)));
        }
    }

    @Test
    void refusesTheIndexEntryOfAResultFoundUnderItsKey() throws IOException {
        write(2);
        copyValue(StoreLayout.INDEX, key(0).hex(), StoreLayout.RESULTS, key(0).hex());

        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            assertCorrupt(
                    "It is the value of result-index entry " + key(0).hex(),
                    () -> store.getResult(key(0).hex()));
            assertEquals(2, store.listResults().size());
            assertEquals(Optional.of(result(1)), store.getResult(key(1)));
        }
    }

    @Test
    void refusesABareEnvelopeFoundUnderAKey() throws IOException {
        write(2);
        try (RawStore raw = RawStore.open(file())) {
            raw.map(StoreLayout.RESULTS).put(key(0).hex(), result(1).encode());
            raw.commit();
        }

        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            assertCorrupt("not bound to its key", () -> store.getResult(key(0)));
        }
    }

    @Test
    void refusesArtifactsAndCheckpointsOfAnotherName() throws IOException {
        write(1);
        String artifacts = StoreLayout.ARTIFACTS;
        copyValue(artifacts, key(0).hex() + "/schedule", artifacts, key(0).hex() + "/weights");
        String checkpoints = StoreLayout.CHECKPOINTS;
        copyValue(checkpoints, key(1).hex() + "/epoch", checkpoints, key(1).hex() + "/step");

        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            assertCorrupt(
                    "It is the value of artifacts entry " + key(0).hex() + "/schedule",
                    () -> store.getArtifact(key(0), "weights"));
            assertCorrupt(
                    "It is the value of checkpoints entry " + key(1).hex() + "/epoch",
                    () -> store.getCheckpoint(key(1), "step"));
            assertArrayEquals(new byte[] {3, 4}, store.getArtifact(key(0), "schedule").get());
            assertArrayEquals(new byte[] {6}, store.getCheckpoint(key(1), "epoch").get());
        }
    }

    @Test
    void refusesTheIndexEntryOfAnotherResultFoundInItsPlace() throws IOException {
        write(2);
        copyValue(StoreLayout.INDEX, key(1).hex(), StoreLayout.INDEX, key(0).hex());

        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            assertCorrupt(
                    "It is the value of result-index entry " + key(1).hex(), store::listResults);
        }
    }

    @Test
    void rebuildsFromItsJournalAStoreLeftByAKilledHolderWithAMixedUpResult() throws Exception {
        write(3);
        copyValue(StoreLayout.INDEX, key(0).hex(), StoreLayout.RESULTS, key(0).hex());
        leaveOwnerRecordOfAKilledHolder();

        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(
                    notice.contains(
                            "could not be used (its last holder did not close it, and 1 value does"
                                    + " not read back as written; the first is results entry "
                                    + key(0).hex()
                                    + ": It is the value of result-index entry "
                                    + key(0).hex()),
                    notice);
            assertTrue(
                    notice.contains(
                            "3 results and 2 artifacts were restored from its journal "
                                    + Journal.pathOf(store.path())),
                    notice);
            assertEquals(1, quarantined().size(), "quarantined: " + quarantined());
            assertTrue(notice.contains("moved to " + quarantined().get(0)), notice);
            for (int i = 0; i < 3; i++) {
                assertEquals(Optional.of(result(i)), store.getResult(key(i)), "result " + i);
            }
            assertEquals(3, store.listResults().size());
            assertArrayEquals(new byte[] {1, 2}, store.getArtifact(key(0), "weights").get());
        }
        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            assertEquals(Optional.empty(), store.recoveryNotice());
            assertEquals(Optional.of(result(0)), store.getResult(key(0)));
        }
    }

    @Test
    void keepsAStoreLeftByAKilledHolderWhoseValuesAllReadBack() throws Exception {
        write(3);
        leaveOwnerRecordOfAKilledHolder();

        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            assertEquals(Optional.empty(), store.recoveryNotice());
            assertEquals(List.of(), quarantined());
            for (int i = 0; i < 3; i++) {
                assertEquals(Optional.of(result(i)), store.getResult(key(i)), "result " + i);
            }
            // Checkpoints are not journaled: a rebuild would have lost them.
            assertArrayEquals(new byte[] {5}, store.getCheckpoint(key(3), "step").get());
        }
    }

    @Test
    void refusesToStoreAResultOfTheStoresOwnTypes() throws IOException {
        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            for (String type : List.of("result-index", Envelope.CHECKPOINT, Envelope.ARTIFACT)) {
                IllegalArgumentException e =
                        assertThrows(
                                IllegalArgumentException.class,
                                () -> store.putResult(key(0), Envelope.raw(type, 1, new byte[1])));
                assertTrue(e.getMessage().contains("store's own type '" + type + "'"), type);
            }
            assertEquals(List.of(), store.listResults());
        }
    }
}

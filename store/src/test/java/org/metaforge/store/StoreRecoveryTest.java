package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

class StoreRecoveryTest {

    @TempDir Path dir;

    private static final CacheKey KEY =
            CacheKey.builder().component("demo/sgd", "1.0.0").seed(1).build();

    private Path store() {
        return dir.resolve("store.db");
    }

    private List<Path> quarantined() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("store.db.corrupt-"))
                    .sorted()
                    .toList();
        }
    }

    /** Writes a healthy store holding one result and returns its bytes. */
    private byte[] healthyStoreBytes() throws IOException {
        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            store.putResult(KEY, Envelope.raw(Envelope.RUN_RESULT, 1, new byte[] {1}));
        }
        byte[] bytes = Files.readAllBytes(store());
        Files.delete(store());
        for (Path wal : Quarantine.walFiles(store())) {
            Files.delete(wal);
        }
        // Only the store file is under test here; JournalRecoveryTest covers the journal.
        Files.delete(Journal.pathOf(store()));
        return bytes;
    }

    private void assertFreshStoreWorks(ResultStore store) {
        assertTrue(store.listResults().isEmpty());
        store.putResult(KEY, Envelope.raw(Envelope.RUN_RESULT, 1, new byte[] {42}));
        assertArrayEquals(new byte[] {42}, store.getResult(KEY).get().payload());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text", "empty", "zeros", "truncated", "damaged-header"})
    void movesUnopenableFileAsideAndStartsFresh(String damage) throws IOException {
        byte[] content =
                switch (damage) {
                    case "text" ->
                            "not a store at all\n".repeat(200).getBytes(StandardCharsets.UTF_8);
                    case "empty" -> new byte[0];
                    case "zeros" -> new byte[8192];
                    case "truncated" -> Arrays.copyOf(healthyStoreBytes(), 20);
                    case "damaged-header" -> {
                        byte[] b = healthyStoreBytes();
                        b[10] ^= 0x01;
                        yield b;
                    }
                    default -> throw new IllegalArgumentException(damage);
                };
        Files.write(store(), content);

        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            List<Path> moved = quarantined();
            assertEquals(1, moved.size(), "files: " + moved);
            assertArrayEquals(content, Files.readAllBytes(moved.get(0)));
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(notice.contains(moved.get(0).toString()), notice);
            assertTrue(notice.contains(store.path().toString()), notice);
            assertTrue(notice.contains("fresh, empty store"), notice);
            assertFreshStoreWorks(store);
        }
        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            assertTrue(store.recoveryNotice().isEmpty(), "a healthy reopen must not warn");
            assertTrue(store.getResult(KEY).isPresent());
        }
    }

    @Test
    void movesWriteAheadLogFilesAsideWithTheStore() throws IOException {
        Files.writeString(store(), "garbage ".repeat(1000));
        Files.writeString(dir.resolve("store.db.wal.0"), "log 0");
        Files.writeString(dir.resolve("store.db.wal.1"), "log 1");
        Files.writeString(dir.resolve("store.db.walrus"), "not a log");

        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            Path moved = quarantined().get(0);
            assertEquals("log 0", Files.readString(Path.of(moved + ".wal.0")));
            assertEquals("log 1", Files.readString(Path.of(moved + ".wal.1")));
            assertEquals(3, quarantined().size());
            assertTrue(Files.exists(dir.resolve("store.db.walrus")));
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(notice.contains("2 write-ahead log files"), notice);
            assertFreshStoreWorks(store);
        }
    }

    @Test
    void movesStoreWithAnotherFormatMarkerAside() throws IOException {
        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            store.putResult(KEY, Envelope.raw(Envelope.RUN_RESULT, 1, new byte[] {1}));
        }
        String newer = Integer.toString(Integer.parseInt(StoreLayout.FORMAT) + 1);
        DB db = DBMaker.fileDB(store().toFile()).transactionEnable().make();
        try {
            StoreLayout.meta(db).put(StoreLayout.FORMAT_KEY, newer);
            db.commit();
        } finally {
            db.close();
        }

        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(notice.contains("format=" + newer), notice);
            assertTrue(notice.contains(quarantined().get(0).toString()), notice);
            // Its journal describes that other store: it goes aside with it, not into this one.
            assertTrue(Files.exists(Journal.pathOf(quarantined().get(0))), "journal kept aside");
            assertFreshStoreWorks(store);
        }
    }

    @Test
    void movesForeignMapDbFileWithoutMarkerAside() throws IOException {
        DB db = DBMaker.fileDB(store().toFile()).transactionEnable().make();
        try {
            db.hashMap("users", Serializer.STRING, Serializer.STRING).createOrOpen().put("a", "b");
            db.commit();
        } finally {
            db.close();
        }

        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(notice.contains("no Metaforge format marker"), notice);
            assertFreshStoreWorks(store);
        }
    }

    @Test
    void adoptsEmptyMapDbFileLeftByACreatorThatDiedBeforeItsFirstCommit() throws IOException {
        DBMaker.fileDB(store().toFile()).transactionEnable().make().close();

        try (ResultStore store = ResultStore.open(store(), Duration.ZERO)) {
            assertTrue(store.recoveryNotice().isEmpty());
            assertFalse(quarantined().iterator().hasNext());
            assertFreshStoreWorks(store);
        }
    }
}

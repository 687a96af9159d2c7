package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.metaforge.sdk.run.Checkpoints;

class ResultStoreTest {

    @TempDir Path dir;

    private static CacheKey key(long seed) {
        return CacheKey.builder()
                .component("demo/sgd", "1.0.0")
                .config(Map.of("lr", 0.1))
                .seed(seed)
                .build();
    }

    private static Envelope json(String text, Instant at) {
        return new Envelope(
                CacheKey.RESULT_FORMAT,
                Envelope.RUN_RESULT,
                at,
                text.getBytes(StandardCharsets.UTF_8),
                Envelope.JSON);
    }

    private ResultStore open() throws IOException {
        return ResultStore.open(dir.resolve("store.db"), Duration.ZERO);
    }

    @Test
    void keepsResultsCheckpointsAndArtifactsAcrossCloseAndReopen() throws IOException {
        Envelope result = json("{\"accuracy\":0.91}", Instant.parse("2026-01-01T00:00:00Z"));
        byte[] weights = {1, 2, 3, 4};
        try (ResultStore store = open()) {
            assertTrue(store.recoveryNotice().isEmpty());
            store.putResult(key(1), result);
            store.putCheckpoint(key(2), "outer-step", new byte[] {7});
            store.putArtifact(key(1), "weights", weights);
        }

        try (ResultStore store = open()) {
            assertEquals(Optional.of(result), store.getResult(key(1)));
            assertEquals(Optional.of(result), store.getResult(key(1).hex()));
            assertTrue(store.getResult(key(3)).isEmpty());
            assertArrayEquals(new byte[] {7}, store.getCheckpoint(key(2), "outer-step").get());
            assertTrue(store.getCheckpoint(key(2), "epoch").isEmpty());
            assertArrayEquals(weights, store.getArtifact(key(1), "weights").get());
            assertTrue(store.getArtifact(key(2), "weights").isEmpty());
            assertArrayEquals(weights, store.getArtifact(key(1).hex(), "weights").get());
            assertTrue(store.getArtifact(key(2).hex(), "weights").isEmpty());
            assertEquals(List.of("weights"), store.artifactNames(key(1)));
            assertEquals(List.of("weights"), store.artifactNames(key(1).hex()));
            assertEquals(List.of(), store.artifactNames(key(2).hex()));
            assertTrue(store.recoveryNotice().isEmpty());
        }
    }

    @Test
    void listsResultsOldestFirstWithTypeKeyAndSummary() throws IOException {
        try (ResultStore store = open()) {
            store.putResult(
                    key(2),
                    json("{}", Instant.parse("2026-01-02T00:00:00Z")),
                    Map.of("metric", "0.5", "component", "demo/sgd"));
            store.putResult(
                    key(1),
                    new Envelope(
                            1,
                            Envelope.TRIAL_RESULT,
                            Instant.parse("2026-01-01T00:00:00Z"),
                            new byte[0],
                            Envelope.RAW));
        }

        List<RunEntry> entries;
        try (ResultStore store = open()) {
            entries = store.listResults();
        }

        assertEquals(2, entries.size());
        RunEntry first = entries.get(0);
        assertEquals(key(1).hex(), first.keyHex());
        assertEquals(key(1).canonicalJson(), first.keyJson());
        assertEquals("trial-result", first.type());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), first.createdAt());
        assertEquals(Map.of(), first.summary());
        RunEntry second = entries.get(1);
        assertEquals(key(2).hex(), second.keyHex());
        assertEquals("run-result", second.type());
        assertEquals(Map.of("component", "demo/sgd", "metric", "0.5"), second.summary());
    }

    @Test
    void replacesResultAndCheckpointOfSameKeyAndName() throws IOException {
        try (ResultStore store = open()) {
            store.putResult(key(1), json("{\"v\":1}", Instant.EPOCH));
            store.putResult(key(1), json("{\"v\":2}", Instant.EPOCH));
            store.putCheckpoint(key(1), "step", new byte[] {1});
            store.putCheckpoint(key(1), "step", new byte[] {2});

            assertEquals(
                    "{\"v\":2}",
                    new String(store.getResult(key(1)).get().payload(), StandardCharsets.UTF_8));
            assertEquals(1, store.listResults().size());
            assertArrayEquals(new byte[] {2}, store.getCheckpoint(key(1), "step").get());
        }
    }

    @Test
    void recordingAResultDeletesThatRunsCheckpointsOnly() throws IOException {
        try (ResultStore store = open()) {
            store.putCheckpoint(key(1), "step", new byte[] {1});
            store.putCheckpoint(key(2), "step", new byte[] {2});

            store.putResult(key(1), json("{}", Instant.EPOCH));

            assertTrue(store.getCheckpoint(key(1), "step").isEmpty());
            assertArrayEquals(new byte[] {2}, store.getCheckpoint(key(2), "step").get());
        }
    }

    @Test
    void deletesEveryCheckpointOfOneRunAndNoOther() throws IOException {
        try (ResultStore store = open()) {
            store.putCheckpoint(key(1), "a", new byte[] {1});
            store.putCheckpoint(key(1), "b/c", new byte[] {2});
            store.putCheckpoint(key(2), "a", new byte[] {3});
            store.putArtifact(key(1), "a", new byte[] {4});

            store.deleteCheckpoints(key(1));

            assertTrue(store.getCheckpoint(key(1), "a").isEmpty());
            assertTrue(store.getCheckpoint(key(1), "b/c").isEmpty());
            assertArrayEquals(new byte[] {3}, store.getCheckpoint(key(2), "a").get());
            assertArrayEquals(new byte[] {4}, store.getArtifact(key(1), "a").get());
        }
    }

    @Test
    void servesSdkCheckpointsOfOneRun() throws IOException {
        try (ResultStore store = open()) {
            Checkpoints checkpoints = store.checkpoints(key(1));
            checkpoints.save("epoch", new byte[] {5});

            assertArrayEquals(new byte[] {5}, checkpoints.load("epoch").get());
            assertArrayEquals(new byte[] {5}, store.getCheckpoint(key(1), "epoch").get());
            assertTrue(store.checkpoints(key(2)).load("epoch").isEmpty());
        }
    }

    @Test
    void keepsEveryRecordWrittenFromManyThreads() throws Exception {
        int threads = 4;
        int perThread = 25;
        try (ResultStore store = open()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int base = t * perThread;
                    done.add(
                            pool.submit(
                                    () -> {
                                        for (int i = base; i < base + perThread; i++) {
                                            store.putResult(key(i), json("" + i, Instant.EPOCH));
                                        }
                                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
        try (ResultStore store = open()) {
            assertEquals(threads * perThread, store.listResults().size());
            for (int i = 0; i < threads * perThread; i++) {
                assertEquals(
                        "" + i,
                        new String(
                                store.getResult(key(i)).get().payload(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void refusesSecondOpenOfSameFileInThisProcess() throws IOException {
        try (ResultStore store = open()) {
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    ResultStore.open(
                                            dir.resolve("./store.db"), Duration.ofSeconds(5)));

            assertTrue(e.getMessage().contains(store.path().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
        }
        try (ResultStore again = open()) {
            assertTrue(again.listResults().isEmpty());
        }
    }

    @Test
    void namesThisProcessInOwnerFileWhileOpenAndDeletesItOnClose() throws IOException {
        Path owner = dir.resolve("store.db.owner");
        try (ResultStore store = open()) {
            assertEquals(owner.toRealPath(), OwnerRecord.sidecarOf(store.path()));
            OwnerRecord record = OwnerRecord.read(owner).orElseThrow();
            assertEquals(ProcessHandle.current().pid(), record.pid());
            assertFalse(record.command().isBlank());
            assertFalse(record.openedAt().isBlank());
        }
        assertFalse(Files.exists(owner));
    }

    @Test
    void refusesUseAfterClose() throws IOException {
        ResultStore store = open();
        store.close();
        store.close();

        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> store.getResult(key(1)));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }

    @Test
    void reportsUndecodableRecordInsteadOfReturningIt() throws IOException {
        Path file = dir.resolve("store.db");
        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            store.putResult(key(1), json("{}", Instant.EPOCH));
        }
        DB db = DBMaker.fileDB(file.toFile()).transactionEnable().make();
        try {
            db.treeMap(StoreLayout.RESULTS, Serializer.STRING, Serializer.BYTE_ARRAY)
                    .valuesOutsideNodesEnable()
                    .createOrOpen()
                    .put(
                            key(1).hex(),
                            KeyBinding.bind(
                                    StoreLayout.RESULTS,
                                    key(1).hex(),
                                    new byte[] {'M', 'F', 'E', 'V', 1, 0, 0, 0, 0, 0}));
            db.commit();
        } finally {
            db.close();
        }

        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            CorruptRecordException e =
                    assertThrows(CorruptRecordException.class, () -> store.getResult(key(1)));
            assertTrue(e.getMessage().contains("result " + key(1).hex()), e.getMessage());
            assertTrue(e.getMessage().contains("--no-cache"), e.getMessage());

            store.putResult(key(1), json("{\"again\":true}", Instant.EPOCH));
            assertTrue(store.getResult(key(1)).isPresent());
        }
    }

    @Test
    void rejectsMalformedKeyHex() throws IOException {
        try (ResultStore store = open()) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> store.getResult("abc"));
            assertTrue(e.getMessage().contains("64 lowercase hex digits"), e.getMessage());
        }
    }
}

package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several processes taking turns on one store file, as concurrent {@code metaforge run}s do. */
class StoreConcurrencyTest {

    private static final int WORKERS = 4;
    private static final int ROUNDS = 10;
    private static final int TRIALS = 4;

    @TempDir Path dir;

    @Test
    void fourProcessesOfShortRunsOnOneStoreLoseAndCorruptNothing() throws Exception {
        Path file = dir.resolve("store.db");
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int w = 0; w < WORKERS; w++) {
                children.add(
                        ChildJvm.start(
                                dir,
                                ShortRunsMain.class,
                                file.toString(),
                                Integer.toString(w),
                                Integer.toString(ROUNDS),
                                Integer.toString(TRIALS)));
            }
            Set<String> committed = new HashSet<>();
            for (ChildJvm child : children) {
                for (String line; (line = child.nextLine(Duration.ofSeconds(90))) != null; ) {
                    assertTrue(line.startsWith("committed "), line);
                    committed.add(line.substring("committed ".length()));
                }
                assertEquals(0, child.awaitExit(Duration.ofSeconds(30)), child.stderr());
            }
            assertEquals(WORKERS * ROUNDS * TRIALS, committed.size());
        } finally {
            children.forEach(ChildJvm::close);
        }

        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            assertTrue(store.recoveryNotice().isEmpty(), store.recoveryNotice().toString());
            assertEquals(WORKERS * ROUNDS * TRIALS, store.listResults().size());
            for (int w = 0; w < WORKERS; w++) {
                for (int r = 0; r < ROUNDS; r++) {
                    for (int t = 0; t < TRIALS; t++) {
                        CacheKey key = ShortRunsMain.key(w, r, t);
                        assertArrayEquals(
                                ShortRunsMain.bytes(key, ShortRunsMain.RESULT_BYTES),
                                store.getResult(key).orElseThrow().payload());
                        assertArrayEquals(
                                ShortRunsMain.bytes(key, ShortRunsMain.ARTIFACT_BYTES),
                                store.getArtifact(key, "weights").orElseThrow());
                        assertTrue(store.getCheckpoint(key, "step").isEmpty());
                    }
                }
            }
        }
        // No holder left its owner record behind: each deletes its own before unlocking.
        assertTrue(OwnerRecord.read(OwnerRecord.sidecarOf(file.toRealPath())).isEmpty());
    }
}

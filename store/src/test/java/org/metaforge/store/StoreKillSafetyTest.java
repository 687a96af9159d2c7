package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreKillSafetyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Kills per test; each lands at a different point of the writer's loop. */
    private static final int ROUNDS = 3;

    private static final long[] KILL_DELAY_MILLIS = {3, 11, 23};

    @TempDir Path dir;

    @Test
    void resumesEveryCommittedRecordAfterKill() throws Exception {
        Path file = dir.resolve("store.db");
        List<Integer> reported = new ArrayList<>();
        int expectedStart = 0;
        long lastWriter = -1;
        for (int round = 0; round < ROUNDS; round++) {
            try (ChildJvm writer = ChildJvm.start(dir, WriteRecordsMain.class, file.toString())) {
                String start = writer.nextLine(TIMEOUT);
                assertTrue(
                        start != null && start.startsWith("start "),
                        "round " + round + " began with " + start + "; stderr: " + writer.stderr());
                int first = Integer.parseInt(start.substring("start ".length()));
                // The kill may land after a checkpoint's commit but before its report.
                assertTrue(
                        first == expectedStart || first == expectedStart + 1,
                        "round " + round + " resumed at " + first + ", expected " + expectedStart);
                int wanted = 8 + 6 * round;
                int last = -1;
                for (int n = 0; n < wanted; n++) {
                    String line = writer.nextLine(TIMEOUT);
                    assertTrue(
                            line != null && line.startsWith("committed "),
                            "got " + line + "; stderr: " + writer.stderr());
                    last = Integer.parseInt(line.substring("committed ".length()));
                    reported.add(last);
                }
                // Kill a few milliseconds later rather than right after a report, so the kill
                // lands at a different point of the write loop each round.
                Thread.sleep(KILL_DELAY_MILLIS[round]);
                writer.kill();
                for (String line; (line = writer.nextLine(Duration.ofSeconds(5))) != null; ) {
                    last = Integer.parseInt(line.substring("committed ".length()));
                    reported.add(last);
                }
                lastWriter = writer.pid();
                expectedStart = last + 1;
            }
        }

        // The killed writer left its owner record behind; opening must not be put off by it.
        Path owner = OwnerRecord.sidecarOf(file);
        assertEquals(lastWriter, OwnerRecord.read(owner).orElseThrow().pid());
        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            assertEquals(Optional.empty(), store.recoveryNotice());
            assertEquals(
                    ProcessHandle.current().pid(), OwnerRecord.read(owner).orElseThrow().pid());
            for (int i : reported) {
                Envelope result =
                        store.getResult(WriteRecordsMain.resultKey(i))
                                .orElseThrow(() -> new AssertionError("lost record " + i));
                assertArrayEquals(WriteRecordsMain.payload(i), result.payload(), "record " + i);
            }
            int checkpoint =
                    Integer.parseInt(
                            new String(
                                    store.getCheckpoint(WriteRecordsMain.runKey(), "step")
                                            .orElseThrow(),
                                    StandardCharsets.US_ASCII));
            assertTrue(checkpoint >= expectedStart - 1, "checkpoint " + checkpoint);
            List<RunEntry> entries = store.listResults();
            assertTrue(entries.size() >= reported.size(), "listed " + entries.size());
            for (RunEntry entry : entries) {
                // Records written but not yet reported must be whole too.
                int index = Integer.parseInt(entry.summary().get("index"));
                assertEquals(WriteRecordsMain.resultKey(index).hex(), entry.keyHex());
                assertArrayEquals(
                        WriteRecordsMain.payload(index),
                        store.getResult(entry.keyHex()).orElseThrow().payload(),
                        "record " + index);
            }
        }
    }
}

package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        List<String> recoveries = new ArrayList<>();
        int expectedStart = 0;
        long lastWriter = -1;
        for (int round = 0; round < ROUNDS; round++) {
            try (ChildJvm writer = ChildJvm.start(dir, WriteRecordsMain.class, file.toString())) {
                String start = writer.nextLine(TIMEOUT);
                boolean recovered = start != null && start.startsWith("recovered ");
                if (recovered) {
                    // MapDB could not replay its log, or replayed it into a value that does not
                    // read back as written; the store was rebuilt from its journal.
                    assertTrue(start.contains("restored from its journal"), start);
                    recoveries.add("round " + round + ": " + start);
                    start = writer.nextLine(TIMEOUT);
                }
                assertTrue(
                        start != null && start.startsWith("start "),
                        "round " + round + " began with " + start + "; stderr: " + writer.stderr());
                int first = Integer.parseInt(start.substring("start ".length()));
                // The kill may land after a checkpoint's commit but before its report. A rebuilt
                // store has no checkpoints (they are not journaled), so its run starts over.
                assertTrue(
                        recovered
                                ? first <= expectedStart + 1
                                : first == expectedStart || first == expectedStart + 1,
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
        // Whether MapDB replays its log is luck of where the kill lands; check the journal path on
        // every run by rebuilding a copy of the killed writer's journal beside an unusable file.
        Path journalOnly = Files.createDirectories(dir.resolve("journal-only")).resolve("store.db");
        Files.copy(Journal.pathOf(file), Journal.pathOf(journalOnly));
        Files.writeString(journalOnly, "not a MapDB file");
        try (ResultStore store = ResultStore.open(journalOnly, Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(notice.contains("restored from its journal"), notice);
            assertEveryReportedRecord(store, reported);
        }
        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            Optional<String> notice = store.recoveryNotice();
            if (notice.isPresent()) {
                assertTrue(notice.get().contains("restored from its journal"), notice.get());
                recoveries.add("final open: " + notice.get());
            }
            assertEquals(
                    ProcessHandle.current().pid(), OwnerRecord.read(owner).orElseThrow().pid());
            assertEveryReportedRecord(store, reported);
            if (notice.isEmpty()) {
                int checkpoint =
                        Integer.parseInt(
                                new String(
                                        store.getCheckpoint(WriteRecordsMain.runKey(), "step")
                                                .orElseThrow(),
                                        StandardCharsets.US_ASCII));
                assertTrue(checkpoint >= expectedStart - 1, "checkpoint " + checkpoint);
            }
        }
        // Shows in the test output which path each run took.
        System.out.println("Journal recoveries during kill test: " + recoveries);
    }

    /**
     * Oracle: every record the child reported as committed is present with its exact payload, and
     * every listed record (reported or not) is whole.
     */
    private static void assertEveryReportedRecord(ResultStore store, List<Integer> reported) {
        for (int i : reported) {
            Envelope result =
                    store.getResult(WriteRecordsMain.resultKey(i))
                            .orElseThrow(() -> new AssertionError("lost record " + i));
            assertArrayEquals(WriteRecordsMain.payload(i), result.payload(), "record " + i);
        }
        List<RunEntry> entries = store.listResults();
        assertTrue(
                entries.size() >= new java.util.HashSet<>(reported).size(),
                "listed " + entries.size());
        for (RunEntry entry : entries) {
            int index = Integer.parseInt(entry.summary().get("index"));
            assertEquals(WriteRecordsMain.resultKey(index).hex(), entry.keyHex());
            assertArrayEquals(
                    WriteRecordsMain.payload(index),
                    store.getResult(entry.keyHex()).orElseThrow().payload(),
                    "record " + index);
        }
    }
}

package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.BTreeMap;
import org.mapdb.DBException;
import org.mapdb.DataIO;

/**
 * MapDB's free-space lists damaged while every value stays whole: what a replay of its write-ahead
 * log after a kill left once in a {@code .ci/run} here (a later {@code putResult} failed with
 * "Broken bit parity" from MapDB's free-space list). Oracle: on the damaged file itself every value
 * reads back, yet writes fail; the store opened after a killed holder sees the damage, rebuilds
 * from its journal, and then takes writes.
 */
class FreeSpaceDamageTest {

    @TempDir Path dir;

    private Path file() {
        return dir.resolve("store.db");
    }

    private static CacheKey key(int i) {
        return MixedUpRecordTest.key(i);
    }

    private static Envelope result(int i) {
        return MixedUpRecordTest.result(i);
    }

    /**
     * Writes 40 results, then overwrites a checkpoint 200 times with sizes that vary, so that MapDB
     * frees space of many sizes, and closes.
     */
    private void writeWithFreedSpace() throws IOException {
        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            for (int i = 0; i < 40; i++) {
                store.putResult(key(i), result(i), Map.of("index", Integer.toString(i)));
            }
            for (int i = 0; i < 200; i++) {
                store.putCheckpoint(key(99), "step", new byte[1 + (i * 97) % 3000]);
            }
        }
    }

    /** Overwrites checkpoints of varying sizes {@code n} times, each committed. */
    private static void overwrite(ResultStore store, int n) {
        for (int i = 0; i < n; i++) {
            store.putCheckpoint(key(98), "step", new byte[1 + (i * 89) % 3000]);
        }
    }

    @Test
    void theDamageIsInvisibleToReadsAndBreaksAWrite() throws Exception {
        DBException.PointerChecksumBroken word =
                assertThrows(
                        DBException.PointerChecksumBroken.class,
                        () -> DataIO.parity4Get(RawStore.BROKEN_WORD));
        assertEquals("Broken bit parity", word.getMessage());
        writeWithFreedSpace();
        int lists = RawStore.damageFreeSpaceLists(file());
        try (RawStore raw = RawStore.open(file())) {
            BTreeMap<String, byte[]> results = raw.map(StoreLayout.RESULTS);
            assertEquals(40, results.size());
            for (String k : results.keySet()) {
                assertTrue(results.get(k).length > 200, k);
            }
            BTreeMap<String, byte[]> scratch = raw.map(StoreLayout.CHECKPOINTS);
            DBException.PointerChecksumBroken e =
                    assertThrows(
                            DBException.PointerChecksumBroken.class,
                            () -> {
                                for (int i = 0; i < 2000; i++) {
                                    scratch.put("x", new byte[1 + (i * 89) % 3000]);
                                    raw.commit();
                                }
                            },
                            "writes after damaging " + lists + " free-space lists");
            assertTrue(e.getMessage().contains("Broken bit parity"), e.getMessage());
        }
    }

    @Test
    void aStoreLeftByAKilledHolderWithDamagedFreeSpaceIsRebuiltAndTakesWrites() throws Exception {
        writeWithFreedSpace();
        RawStore.damageFreeSpaceLists(file());
        MixedUpRecordTest.leaveOwnerRecordOfAKilledHolder(file());

        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(
                    notice.contains(
                            "could not be used (its last holder did not close it, and MapDB's lists"
                                    + " of its free space do not add up (PointerChecksumBroken:"
                                    + " Broken bit parity), so a later write would fail)"),
                    notice);
            assertTrue(
                    notice.contains(
                            "40 results and 0 artifacts were restored from its journal "
                                    + Journal.pathOf(store.path())),
                    notice);
            assertEquals(1, MixedUpRecordTest.quarantined(dir).size());
            for (int i = 0; i < 40; i++) {
                assertEquals(Optional.of(result(i)), store.getResult(key(i)), "result " + i);
            }
            overwrite(store, 2000);
            assertArrayEquals(
                    new byte[1 + (1999 * 89) % 3000], store.getCheckpoint(key(98), "step").get());
        }
        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            assertEquals(Optional.empty(), store.recoveryNotice());
            assertEquals(40, store.listResults().size());
        }
    }

    @Test
    void aWriteThatMapDbFailsIsRefusedClearlyAndTheNextOpenRebuilds() throws Exception {
        writeWithFreedSpace();
        RawStore.damageFreeSpaceLists(file());
        // Closed cleanly: the open does not walk the file (that reads all of it, so it runs only
        // after a holder that did not close), and the writes run into the damage.
        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            assertEquals(Optional.empty(), store.recoveryNotice());
            StoreDamagedException e =
                    assertThrows(StoreDamagedException.class, () -> overwrite(store, 2000));
            assertTrue(
                    e.getMessage()
                            .startsWith(
                                    "Store "
                                            + store.path()
                                            + " could not record checkpoint "
                                            + key(98).hex()
                                            + "/step (MapDB failed: PointerChecksumBroken: Broken"
                                            + " bit parity): the file is damaged below its"
                                            + " records."),
                    e.getMessage());
            assertTrue(e.getMessage().contains(Journal.pathOf(store.path()).toString()));
            StoreDamagedException again =
                    assertThrows(
                            StoreDamagedException.class,
                            () -> store.putResult(key(50), result(50)));
            assertTrue(
                    again.getMessage()
                            .contains(
                                    "could not record result "
                                            + key(50).hex()
                                            + " (an earlier write of this command failed there)"),
                    again.getMessage());
            assertEquals(Optional.empty(), store.getResult(key(50)));
        }
        try (ResultStore store = ResultStore.open(file(), Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(notice.contains("free space do not add up"), notice);
            assertTrue(notice.contains("40 results and 0 artifacts were restored"), notice);
            for (int i = 0; i < 40; i++) {
                assertEquals(Optional.of(result(i)), store.getResult(key(i)), "result " + i);
            }
            assertEquals(Optional.empty(), store.getResult(key(50)));
            overwrite(store, 2000);
        }
    }
}

package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores written in format 1 (bare envelopes, see {@link LegacyStoreFixture}) still open: their
 * values are bound to their keys in place. Oracle: the fixture's records as that class states them.
 */
class FormatUpgradeTest {

    @TempDir Path dir;

    private Path file;

    @BeforeEach
    void copyFixture() throws IOException {
        file = dir.resolve("store.db");
        copy(LegacyStoreFixture.RESOURCE, file);
        copy(LegacyStoreFixture.RESOURCE + ".journal", Journal.pathOf(file));
        try (RawStore raw = RawStore.open(file)) {
            assertEquals("1", raw.meta().get(StoreLayout.FORMAT_KEY), "fixture format");
        }
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = FormatUpgradeTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing fixture " + resource);
            Files.copy(in, target);
        }
    }

    private static void assertFixtureRecords(ResultStore store) {
        assertEquals(
                Optional.of(LegacyStoreFixture.RUN_RESULT),
                store.getResult(LegacyStoreFixture.RUN));
        assertEquals(
                Optional.of(LegacyStoreFixture.TRIAL_RESULT),
                store.getResult(LegacyStoreFixture.TRIAL));
        List<RunEntry> entries = store.listResults();
        assertEquals(2, entries.size());
        assertEquals(LegacyStoreFixture.RUN.hex(), entries.get(0).keyHex());
        assertEquals(LegacyStoreFixture.RUN_SUMMARY, entries.get(0).summary());
        assertEquals(LegacyStoreFixture.TRIAL.hex(), entries.get(1).keyHex());
        assertEquals(LegacyStoreFixture.TRIAL_SUMMARY, entries.get(1).summary());
        assertArrayEquals(
                LegacyStoreFixture.WEIGHTS,
                store.getArtifact(LegacyStoreFixture.RUN, "weights").orElseThrow());
    }

    @Test
    void opensAFormat1StoreAndBindsEveryValueToItsKey() throws IOException {
        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            assertEquals(Optional.empty(), store.recoveryNotice());
            assertFixtureRecords(store);
            assertArrayEquals(
                    LegacyStoreFixture.STEP,
                    store.getCheckpoint(LegacyStoreFixture.UNFINISHED, "step").orElseThrow());
        }
        try (RawStore raw = RawStore.open(file)) {
            assertEquals(StoreLayout.FORMAT, raw.meta().get(StoreLayout.FORMAT_KEY));
            int values = 0;
            for (String map :
                    List.of(
                            StoreLayout.RESULTS,
                            StoreLayout.INDEX,
                            StoreLayout.ARTIFACTS,
                            StoreLayout.CHECKPOINTS)) {
                for (Map.Entry<String, byte[]> e : raw.map(map).entrySet()) {
                    Envelope.decode(KeyBinding.unbind(map, e.getKey(), e.getValue()));
                    values++;
                }
            }
            assertEquals(6, values);
        }
        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            assertEquals(Optional.empty(), store.recoveryNotice());
            assertFixtureRecords(store);
        }
    }

    @Test
    void finishesAnUpgradeThatAKillCutShort() throws IOException {
        try (RawStore raw = RawStore.open(file)) {
            String key = LegacyStoreFixture.RUN.hex();
            byte[] bare = raw.map(StoreLayout.RESULTS).get(key);
            raw.map(StoreLayout.RESULTS).put(key, KeyBinding.bind(StoreLayout.RESULTS, key, bare));
            raw.commit();
        }

        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            assertEquals(Optional.empty(), store.recoveryNotice());
            assertFixtureRecords(store);
        }
    }

    @Test
    void rebuildsAFormat1StoreFromItsJournal() throws IOException {
        Files.writeString(file, "garbage ".repeat(1000));

        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            String notice = store.recoveryNotice().orElseThrow();
            assertTrue(
                    notice.contains("2 results and 1 artifact were restored from its journal"),
                    notice);
            assertFixtureRecords(store);
        }
    }

    @Test
    void refusesTheIndexEntryFoundUnderAResultKeyOfAFormat1Store() throws IOException {
        // Before bindings only the envelope's type tells this mix-up apart.
        String key = LegacyStoreFixture.RUN.hex();
        try (RawStore raw = RawStore.open(file)) {
            raw.map(StoreLayout.RESULTS).put(key, raw.map(StoreLayout.INDEX).get(key));
            raw.commit();
        }

        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            CorruptRecordException e =
                    assertThrows(
                            CorruptRecordException.class,
                            () -> store.getResult(LegacyStoreFixture.RUN));
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "It holds an envelope of type 'result-index', which does not"
                                            + " belong in map results."),
                    e.getMessage());
            assertEquals(
                    Optional.of(LegacyStoreFixture.TRIAL_RESULT),
                    store.getResult(LegacyStoreFixture.TRIAL));
        }
    }
}

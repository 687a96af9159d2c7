package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLockTest {

    private static final Duration STARTUP = Duration.ofSeconds(20);

    @TempDir Path dir;

    @Test
    void refusesStoreHeldByAnotherProcessNamingItThenOpensAfterItExits() throws Exception {
        Path file = dir.resolve("store.db");
        try (ChildJvm holder = ChildJvm.start(dir, HoldStoreMain.class, file.toString())) {
            holder.awaitLine("opened", STARTUP);

            StoreBusyException e =
                    assertThrows(
                            StoreBusyException.class,
                            () -> ResultStore.open(file, Duration.ofSeconds(1)));

            String message = e.getMessage();
            assertTrue(message.contains("is held by process " + holder.pid()), message);
            assertTrue(message.contains("metaforge hold-store-test"), message);
            assertTrue(message.contains("waited 1 s"), message);
            assertTrue(message.contains("pass --store with another path"), message);
            assertTrue(message.startsWith("Store " + file.toRealPath()), message);
            assertEquals(OptionalLong.of(holder.pid()), e.holderPid());

            // A stale record (its process gone) must not be presented as the holder.
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            new OwnerRecord(gone.pid(), hostOf(file), "old run", "", "2026-01-01T00:00:00Z")
                    .write(OwnerRecord.sidecarOf(file));
            StoreBusyException stale =
                    assertThrows(
                            StoreBusyException.class, () -> ResultStore.open(file, Duration.ZERO));
            assertTrue(
                    stale.getMessage().contains("names process " + gone.pid()), stale.getMessage());
            assertTrue(stale.getMessage().contains("which has exited"), stale.getMessage());
            assertEquals(OptionalLong.empty(), stale.holderPid());

            holder.stdin().close();
            holder.awaitLine("closed", STARTUP);
            assertEquals(0, holder.awaitExit(STARTUP), holder.stderr());
        }

        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            assertTrue(store.recoveryNotice().isEmpty());
        }
    }

    private static String hostOf(Path store) {
        return OwnerRecord.read(OwnerRecord.sidecarOf(store)).orElseThrow().host();
    }

    @Test
    void waitsForHolderToFinishWithinLockWait() throws Exception {
        Path file = dir.resolve("store.db");
        try (ChildJvm holder = ChildJvm.start(dir, HoldStoreMain.class, file.toString())) {
            holder.awaitLine("opened", STARTUP);
            CompletableFuture<Void> release =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    Thread.sleep(300);
                                    holder.stdin().close();
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });

            try (ResultStore store = ResultStore.open(file, STARTUP)) {
                assertTrue(store.recoveryNotice().isEmpty());
                assertEquals(
                        ProcessHandle.current().pid(),
                        OwnerRecord.read(OwnerRecord.sidecarOf(store.path())).orElseThrow().pid());
            }
            release.join();
            assertEquals(0, holder.awaitExit(STARTUP), holder.stderr());
        }
    }
}

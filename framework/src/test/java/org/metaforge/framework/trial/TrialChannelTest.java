package org.metaforge.framework.trial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.run.TrialSpec;
import org.metaforge.framework.run.TrialStore;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.testkit.SyntheticImages;
import org.metaforge.store.CacheKey;
import org.metaforge.store.Envelope;

/** The worker's channel to its parent, the parent's server, frames and task files. */
class TrialChannelTest {

    private static CacheKey key(long seed) {
        return CacheKey.builder()
                .component("baselines/sgd", "0.1.0")
                .config(Map.of("lr", List.of(0.1), "epochs", 2))
                .dataset("train", "abc")
                .seed(seed)
                .extra("threads", 1)
                .build();
    }

    @Test
    void framesRoundTripAndACleanEndReadsAsNull() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        Frame.of("PUT_ARTIFACT", "key", "model", new byte[] {1, 2, 3}).write(out);
        Frame.of("NONE").write(out);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        Frame f = Frame.read(in);
        assertEquals("PUT_ARTIFACT", f.op());
        assertEquals("model", f.text(1));
        assertArrayEquals(new byte[] {1, 2, 3}, f.parts().get(2));
        assertEquals(0, Frame.read(in).parts().size());
        assertNull(Frame.read(in));
    }

    @Test
    void aTruncatedFrameIsAnError() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Frame.of("GET_RESULT", "x".repeat(100)).write(new DataOutputStream(bytes));
        byte[] cut = java.util.Arrays.copyOf(bytes.toByteArray(), 50);
        assertThrows(
                java.io.IOException.class,
                () -> Frame.read(new DataInputStream(new ByteArrayInputStream(cut))));
    }

    @Test
    void aCacheKeyIsRebuiltFromItsCanonicalJson() {
        CacheKey k = key(7);
        CacheKey again = CacheKey.parse(k.canonicalJson());
        assertEquals(k, again);
        assertEquals(k.componentId(), again.componentId());
        assertEquals(7, again.seed());
        assertThrows(IllegalArgumentException.class, () -> CacheKey.parse("{\"a\":1}"));
    }

    @Test
    void aWorkersStoreCallsAreServedByTheParentsStore() throws Exception {
        MemoryStore parentStore = new MemoryStore();
        PipedOutputStream childOut = new PipedOutputStream();
        PipedInputStream parentIn = new PipedInputStream(childOut, 1 << 16);
        PipedOutputStream parentOut = new PipedOutputStream();
        PipedInputStream childIn = new PipedInputStream(parentOut, 1 << 16);
        boolean[] gone = {false};
        TrialChannel channel = new TrialChannel(childIn, childOut, () -> gone[0] = true);
        TrialStoreServer server = new TrialStoreServer(parentStore);
        TrialSpec spec = spec("a", "b");
        Thread parent =
                new Thread(
                        () -> {
                            try (DataOutputStream out = new DataOutputStream(parentOut);
                                    DataInputStream in = new DataInputStream(parentIn)) {
                                Frame.of(TrialChannel.TRIAL, (Object) spec.toJson()).write(out);
                                for (Frame f = Frame.read(in); f != null; f = Frame.read(in)) {
                                    if (f.op().equals(TrialChannel.FAILED)) {
                                        break;
                                    }
                                    server.serve(f).write(out);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        parent.setDaemon(true);
        parent.start();
        assertEquals(Optional.of(spec), channel.receiveSpec());
        TrialStore store = channel.store();
        CacheKey k = key(1);
        assertTrue(store.result(k).isEmpty());
        Envelope env =
                Envelope.json("trial-result", 1, "{\"x\":1}".getBytes(StandardCharsets.UTF_8));
        store.putResult(k, env, Map.of("component", "baselines/sgd"));
        store.putArtifact(k, "model", new byte[] {9, 8});
        store.putCheckpoint(k, "state", new byte[] {5});
        assertEquals(env, parentStore.result(k).orElseThrow());
        assertEquals(env, store.result(k).orElseThrow());
        assertArrayEquals(new byte[] {9, 8}, store.artifact(k.hex(), "model").orElseThrow());
        assertArrayEquals(new byte[] {5}, store.checkpoint(k, "state").orElseThrow());
        store.deleteCheckpoints(k);
        assertTrue(store.checkpoint(k, "state").isEmpty());
        assertTrue(store.artifact(k.hex(), "weights").isEmpty());
        parentStore.failing = true;
        RunFailedException e =
                assertThrows(
                        RunFailedException.class, () -> store.putArtifact(k, "m", new byte[0]));
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        channel.failed("done");
        parent.join(5000);
    }

    @Test
    void aWorkerTakesTrialsUntilItsInputEndsAndStopsIfItEndsMidTrial() throws Exception {
        PipedOutputStream parentOut = new PipedOutputStream();
        PipedInputStream childIn = new PipedInputStream(parentOut, 1 << 16);
        PipedInputStream parentIn = new PipedInputStream(1 << 16);
        PipedOutputStream childOut = new PipedOutputStream(parentIn);
        java.util.concurrent.CountDownLatch gone = new java.util.concurrent.CountDownLatch(1);
        TrialChannel channel = new TrialChannel(childIn, childOut, gone::countDown);
        DataOutputStream toChild = new DataOutputStream(parentOut);
        DataInputStream fromChild = new DataInputStream(parentIn);
        TrialSpec first = spec("a", "b");
        TrialSpec second = spec("c", "d");
        Frame.of(TrialChannel.TRIAL, (Object) first.toJson()).write(toChild);
        assertEquals(Optional.of(first), channel.receiveSpec());
        channel.failed("diverged");
        assertEquals(TrialChannel.FAILED, Frame.read(fromChild).op());
        Frame.of(TrialChannel.TRIAL, (Object) second.toJson()).write(toChild);
        assertEquals(Optional.of(second), channel.nextSpec());
        // the parent dies in the middle of the second trial
        toChild.close();
        assertTrue(gone.await(5, java.util.concurrent.TimeUnit.SECONDS), "the worker stops");

        PipedOutputStream out2 = new PipedOutputStream();
        PipedInputStream in2 = new PipedInputStream(out2, 1 << 16);
        boolean[] gone2 = {false};
        TrialChannel idle =
                new TrialChannel(in2, new ByteArrayOutputStream(), () -> gone2[0] = true);
        DataOutputStream to2 = new DataOutputStream(out2);
        Frame.of(TrialChannel.TRIAL, (Object) first.toJson()).write(to2);
        idle.receiveSpec();
        idle.done(
                new org.metaforge.framework.run.RunRecord(
                        "x/y",
                        key(1).hex(),
                        org.metaforge.sdk.run.RunResult.builder().build(),
                        Map.of(),
                        false));
        to2.close();
        assertEquals(Optional.empty(), idle.nextSpec(), "no more trials: the worker may exit");
        assertFalse(gone2[0], "an idle worker whose input ends is not orphaned");
    }

    @Test
    void taskFilesHandTheSameDataAndFingerprintsToTheWorker(@TempDir Path dir) throws Exception {
        LabeledImages train = SyntheticImages.bands("train", 30, 3, 6, 5, 1);
        LabeledImages.Split split = train.split(0.2, 4);
        Task task = new Task(split.train(), split.validation(), "validation");
        TrialSpec shipped;
        try (TaskFiles files = new TaskFiles()) {
            shipped = files.ship(spec(task.train().fingerprint(), task.eval().fingerprint()), task);
            TrialSpec again = files.ship(shipped, task);
            assertEquals(shipped.task(), again.task(), "each set is written once");
            Task read = TaskFiles.read(shipped);
            for (LabeledImages[] pair :
                    new LabeledImages[][] {
                        {task.train(), read.train()}, {task.eval(), read.eval()}
                    }) {
                assertEquals(pair[0].fingerprint(), pair[1].fingerprint());
                assertEquals(pair[0].name(), pair[1].name());
                assertArrayEquals(bytes(pair[0]), bytes(pair[1]));
            }
            assertEquals("validation", read.evalName());
        }
        BadInputException gone =
                assertThrows(BadInputException.class, () -> TaskFiles.read(shipped));
        assertTrue(gone.getMessage().contains("does not exist"), gone.getMessage());
    }

    private static byte[] bytes(LabeledImages images) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        images.write(new DataOutputStream(b));
        return b.toByteArray();
    }

    private static TrialSpec spec(String trainFingerprint, String evalFingerprint) {
        return new TrialSpec(
                TrialSpec.FORMAT,
                "baselines/sgd trial 1",
                "baselines/sgd",
                "0.1.0",
                Map.of("epochs", 1),
                3,
                "cpu",
                1,
                false,
                key(3).hex(),
                new TrialSpec.TaskRef(
                        "validation",
                        new TrialSpec.DataRef(trainFingerprint, "/nowhere/a"),
                        new TrialSpec.DataRef(evalFingerprint, "/nowhere/b")));
    }

    /** A store in memory that can be made to fail. */
    static final class MemoryStore implements TrialStore {
        final Map<String, Envelope> results = new ConcurrentHashMap<>();
        final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
        final Map<String, byte[]> checkpoints = new ConcurrentHashMap<>();
        volatile boolean failing;

        @Override
        public void open() {}

        @Override
        public Optional<Envelope> result(CacheKey key) {
            return Optional.ofNullable(results.get(key.hex()));
        }

        @Override
        public void putResult(CacheKey key, Envelope result, Map<String, String> summary) {
            results.put(key.hex(), result);
        }

        @Override
        public Optional<byte[]> artifact(String keyHex, String name) {
            return Optional.ofNullable(artifacts.get(keyHex + "/" + name));
        }

        @Override
        public void putArtifact(CacheKey key, String name, byte[] bytes) {
            if (failing) {
                throw new RunFailedException("disk full");
            }
            artifacts.put(key.hex() + "/" + name, bytes);
        }

        @Override
        public Optional<byte[]> checkpoint(CacheKey key, String name) {
            return Optional.ofNullable(checkpoints.get(key.hex() + "/" + name));
        }

        @Override
        public void putCheckpoint(CacheKey key, String name, byte[] bytes) {
            checkpoints.put(key.hex() + "/" + name, bytes);
        }

        @Override
        public void deleteCheckpoints(CacheKey key) {
            checkpoints.keySet().removeIf(k -> k.startsWith(key.hex() + "/"));
        }
    }
}

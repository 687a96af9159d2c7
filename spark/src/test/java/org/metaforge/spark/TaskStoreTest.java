package org.metaforge.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.metaforge.framework.run.TrialStore;
import org.metaforge.store.CacheKey;
import org.metaforge.store.Envelope;

class TaskStoreTest {

    private static CacheKey key(int seed) {
        return CacheKey.builder()
                .component("baselines/sgd", "0.1.0")
                .config(Map.of("epochs", 1))
                .dataset("train", "f" + seed)
                .seed(seed)
                .resultFormat(1)
                .build();
    }

    private static Envelope result(String text) {
        return Envelope.json(Envelope.TRIAL_RESULT, 1, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsItsOwnWritesThenTheSnapshotAndNothingElse() {
        String continued = key(9).hex();
        TaskStore s = new TaskStore(Map.of(continued + "/state", new byte[] {1, 2}));
        assertArrayEquals(new byte[] {1, 2}, s.artifact(continued, "state").orElseThrow());
        assertTrue(s.artifact(continued, "model").isEmpty());
        assertTrue(s.result(key(1)).isEmpty(), "results on the driver are not in the snapshot");

        s.putArtifact(key(1), "model", new byte[] {3});
        Envelope r = result("{\"a\":1}");
        s.putResult(key(1), r, Map.of("spec", "trial"));
        assertEquals(Optional.of(r), s.result(key(1)));
        assertArrayEquals(new byte[] {3}, s.artifact(key(1).hex(), "model").orElseThrow());
    }

    @Test
    void checkpointsDeletedInTheTaskNeverTravel() {
        TaskStore s = new TaskStore(Map.of());
        s.putCheckpoint(key(1), "sgd", new byte[100]);
        assertEquals(100, s.checkpoint(key(1), "sgd").orElseThrow().length);
        s.deleteCheckpoints(key(1));
        assertTrue(s.checkpoint(key(1), "sgd").isEmpty());
        s.putCheckpoint(key(2), "sgd", new byte[] {7});
        s.putResult(key(2), result("{}"), Map.of());
        assertTrue(s.writes().checkpoints.isEmpty(), "a result deletes its run's checkpoints");
        s.putCheckpoint(key(3), "outer", new byte[] {8});
        assertEquals(1, s.writes().checkpoints.size());
    }

    @Test
    void writesSurviveJavaSerialisationAndReplayArtefactsBeforeResults() throws Exception {
        TaskStore s = new TaskStore(Map.of());
        s.putResult(key(1), result("{\"nested\":true}"), Map.of("spec", "trial"));
        s.putArtifact(key(1), "model", new byte[] {1});
        s.putCheckpoint(key(2), "sgd", new byte[] {2});
        s.deleteCheckpoints(key(3));
        s.putArtifact(key(4), "model", new byte[] {4});
        s.putResult(key(4), result("{\"top\":true}"), Map.of("spec", "trial"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s.writes());
        }
        TaskStore.Writes travelled;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            travelled = (TaskStore.Writes) in.readObject();
        }
        List<String> calls = new ArrayList<>();
        travelled.replay(recorder(calls));
        assertEquals(
                List.of(
                        "delete " + key(3).hex(),
                        "checkpoint " + key(2).hex() + " sgd [2]",
                        "artifact " + key(1).hex() + " model [1]",
                        "artifact " + key(4).hex() + " model [4]",
                        "result " + key(1).hex() + " {\"nested\":true} {spec=trial}",
                        "result " + key(4).hex() + " {\"top\":true} {spec=trial}"),
                calls);
    }

    /** A store that records the calls it gets. */
    private static TrialStore recorder(List<String> calls) {
        return new TrialStore() {
            @Override
            public void open() {}

            @Override
            public Optional<Envelope> result(CacheKey key) {
                throw new AssertionError("replay only writes");
            }

            @Override
            public void putResult(CacheKey key, Envelope r, Map<String, String> summary) {
                calls.add(
                        "result "
                                + key.hex()
                                + " "
                                + new String(r.payload(), StandardCharsets.UTF_8)
                                + " "
                                + summary);
            }

            @Override
            public Optional<byte[]> artifact(String keyHex, String name) {
                throw new AssertionError("replay only writes");
            }

            @Override
            public void putArtifact(CacheKey key, String name, byte[] b) {
                calls.add(
                        "artifact " + key.hex() + " " + name + " " + java.util.Arrays.toString(b));
            }

            @Override
            public Optional<byte[]> checkpoint(CacheKey key, String name) {
                throw new AssertionError("replay only writes");
            }

            @Override
            public void putCheckpoint(CacheKey key, String name, byte[] b) {
                calls.add(
                        "checkpoint "
                                + key.hex()
                                + " "
                                + name
                                + " "
                                + java.util.Arrays.toString(b));
            }

            @Override
            public void deleteCheckpoints(CacheKey key) {
                calls.add("delete " + key.hex());
            }
        };
    }
}

package org.metaforge.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.AdditionalMatchers.aryEq;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoMoreInteractions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.metaforge.framework.run.TrialStore;
import org.metaforge.store.CacheKey;
import org.metaforge.store.Envelope;
import org.mockito.InOrder;

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
    void writesSurviveJavaSerialisationAndReplayCheckpointsAndArtefactsBeforeResults()
            throws Exception {
        TaskStore s = new TaskStore(Map.of());
        Envelope nested = result("{\"nested\":true}");
        Envelope top = result("{\"top\":true}");
        s.putResult(key(1), nested, Map.of("spec", "trial"));
        s.putArtifact(key(1), "model", new byte[] {1});
        s.putCheckpoint(key(2), "sgd", new byte[] {2});
        s.deleteCheckpoints(key(3));
        s.putArtifact(key(4), "model", new byte[] {4});
        s.putResult(key(4), top, Map.of("spec", "trial"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s.writes());
        }
        TaskStore.Writes travelled;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            travelled = (TaskStore.Writes) in.readObject();
        }
        TrialStore driver = mock(TrialStore.class);
        travelled.replay(driver);
        InOrder order = inOrder(driver);
        order.verify(driver).deleteCheckpoints(key(3));
        order.verify(driver).putCheckpoint(eq(key(2)), eq("sgd"), aryEq(new byte[] {2}));
        order.verify(driver).putArtifact(eq(key(1)), eq("model"), aryEq(new byte[] {1}));
        order.verify(driver).putArtifact(eq(key(4)), eq("model"), aryEq(new byte[] {4}));
        order.verify(driver).putResult(key(1), nested, Map.of("spec", "trial"));
        order.verify(driver).putResult(key(4), top, Map.of("spec", "trial"));
        verifyNoMoreInteractions(driver);
    }
}

package org.metaforge.sdk.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Oracle: hand-made logits whose arg-max is obvious; exact comparisons. */
class AccuracyTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray logits() {
        // arg-max per row: 2, 0, 1, 1 (the last row ties 1 and 2: the first index wins)
        return manager.create(
                new float[] {0.1f, 0.2f, 3f, 5f, -1f, 2f, -3f, 7f, 0f, 0f, 4f, 4f},
                new Shape(4, 3));
    }

    @Test
    void countsArgMaxHits() {
        NDArray labels = manager.create(new long[] {2, 0, 0, 1});
        assertEquals(3, Accuracy.correct(logits(), labels));
        assertEquals(0.75, Accuracy.of(logits(), labels));
        assertEquals(1.0, Accuracy.of(logits(), manager.create(new int[] {2, 0, 1, 1})));
        assertEquals(0.0, Accuracy.of(logits(), manager.create(new float[] {0, 1, 0, 2})));
    }

    @Test
    void leavesInputsOpenAndClosesTemporaries() {
        NDArray l = logits();
        NDArray y = manager.create(new long[] {2, 0, 0, 1});
        int before = manager.getManagedArrays().size();
        Accuracy.of(l, y);
        assertEquals(before, manager.getManagedArrays().size());
        assertEquals(new Shape(4, 3), l.getShape());
    }

    @Test
    void counterAccumulatesOverBatches() {
        Accuracy.Counter counter = new Accuracy.Counter();
        counter.add(logits(), manager.create(new long[] {2, 0, 0, 1}));
        counter.add(
                manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)),
                manager.create(new long[] {1, 1}));
        assertEquals(4, counter.correct());
        assertEquals(6, counter.total());
        assertEquals(4.0 / 6, counter.value());
    }

    @Test
    void rejectsMismatchedShapesAndEmptyCounter() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Accuracy.of(logits(), manager.create(new long[] {1, 2})));
        assertTrue(e.getMessage().contains("(B, K)"), e.getMessage());
        IllegalStateException empty =
                assertThrows(IllegalStateException.class, () -> new Accuracy.Counter().value());
        assertTrue(empty.getMessage().contains("add"), empty.getMessage());
    }
}

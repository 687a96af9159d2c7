package org.metaforge.plugins.zskt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Seeds;

/** The few-shot comparators: their images, their losses' weights and resumption. */
class FewShotDistillerTest {

    private static FewShotConfig tiny() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("teacher", Fixtures.TEACHER_CONFIG);
        v.put("student-model", "lenet");
        v.put("shots-per-class", 3);
        v.put("steps", 6);
        v.put("batch-size", 6);
        v.put("lr", 0.01);
        v.put("beta", 10);
        v.put("eval-every", 3);
        v.put("checkpoint-every", 2);
        return ConfigSchema.of(FewShotConfig.class).bind(v, "test");
    }

    @Test
    void takesMImagesOfEachClassDependingOnTheSeedOnly() {
        LabeledImages a = FewShotDistiller.shots(Fixtures.TRAIN, 3, new Seeds(1));
        LabeledImages b = FewShotDistiller.shots(Fixtures.TRAIN, 3, new Seeds(1));
        LabeledImages c = FewShotDistiller.shots(Fixtures.TRAIN, 3, new Seeds(2));
        assertEquals(12, a.size());
        int[] perClass = new int[4];
        for (int i = 0; i < a.size(); i++) {
            perClass[a.label(i)]++;
        }
        assertArrayEquals(new int[] {3, 3, 3, 3}, perClass);
        assertEquals(a.fingerprint(), b.fingerprint());
        assertNotEquals(a.fingerprint(), c.fingerprint());
        RunFailedException e =
                assertThrows(
                        RunFailedException.class,
                        () -> FewShotDistiller.shots(Fixtures.TRAIN, 51, new Seeds(1)));
        assertTrue(e.getMessage().contains("shots-per-class"), e.getMessage());
    }

    @Test
    void comparatorsUseTheirOwnLossWeights() {
        FewShotConfig c = tiny();
        assertEquals(10, new KdAtDistiller().beta(c));
        assertEquals(0.9, new KdAtDistiller().alpha(c));
        assertEquals(0, new KdDistiller().beta(c));
        assertEquals(0.9, new KdDistiller().alpha(c));
        assertEquals(0, new ScratchDistiller().beta(c));
        assertEquals(0, new ScratchDistiller().alpha(c));
    }

    @Test
    void resumedKdAtRunEndsExactlyLikeAnUninterruptedOne() {
        KdAtDistiller d = new KdAtDistiller();
        try (NDManager m = NDManager.newBaseManager()) {
            RunResult a =
                    d.distill(new Fixtures.Context(m, new HashMap<>(), -1), tiny(), Fixtures.TASK);
            Map<String, byte[]> checkpoints = new HashMap<>();
            assertThrows(
                    CancellationException.class,
                    () ->
                            d.distill(
                                    new Fixtures.Context(m, checkpoints, 3),
                                    tiny(),
                                    Fixtures.TASK));
            assertTrue(checkpoints.containsKey(FewShotDistiller.CHECKPOINT));
            RunResult b =
                    d.distill(new Fixtures.Context(m, checkpoints, -1), tiny(), Fixtures.TASK);
            assertEquals(a.metrics(), b.metrics());
            assertEquals(12.0, b.metric("shots"));
            assertEquals(6.0, b.metric("steps"));
        }
    }
}

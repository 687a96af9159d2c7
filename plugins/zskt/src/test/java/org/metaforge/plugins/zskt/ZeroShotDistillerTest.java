package org.metaforge.plugins.zskt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.nn.ModelWeights;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.testkit.ComponentConformance;
import org.metaforge.sdk.testkit.SyntheticImages;

/** A tiny zero-shot run end to end: metrics, artefacts, resumption and configuration checks. */
class ZeroShotDistillerTest {

    private static ZeroShotConfig tiny() {
        return tiny(Map.of());
    }

    private static ZeroShotConfig tiny(Map<String, Object> extra) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("teacher", Fixtures.TEACHER_CONFIG);
        v.put("student-model", "lenet");
        v.put("pseudo-batches", 4);
        v.put("batch-size", 8);
        v.put("z-dim", 8);
        v.put("student-steps", 2);
        v.put("eval-every", 2);
        v.put("checkpoint-every", 1);
        v.put("sample-grids", 1);
        v.put("transition-curves", true);
        v.put("transition-images", 3);
        v.put("transition-steps", 2);
        v.putAll(extra);
        return ConfigSchema.of(ZeroShotConfig.class).bind(v, "test");
    }

    @Test
    void resumedRunEndsExactlyLikeAnUninterruptedOne() {
        ZeroShotDistiller d = new ZeroShotDistiller();
        try (NDManager m = NDManager.newBaseManager()) {
            Fixtures.Context straight = new Fixtures.Context(m, new HashMap<>(), -1);
            RunResult a = d.distill(straight, tiny(), Fixtures.TASK);

            Map<String, byte[]> checkpoints = new HashMap<>();
            Fixtures.Context killed = new Fixtures.Context(m, checkpoints, 3);
            assertThrows(
                    CancellationException.class, () -> d.distill(killed, tiny(), Fixtures.TASK));
            assertTrue(checkpoints.containsKey(ZeroShotDistiller.CHECKPOINT));
            Fixtures.Context resumed = new Fixtures.Context(m, checkpoints, -1);
            RunResult b = d.distill(resumed, tiny(), Fixtures.TASK);

            assertEquals(a.metrics(), b.metrics());
            float[] wa = weights(m, straight);
            float[] wb = weights(m, resumed);
            assertArrayEquals(wa, wb);
            assertEquals(4.0, b.metric("pseudo_batches"));
            assertTrue(b.metrics().containsKey("mte"));
            assertTrue(b.plots().containsKey("accuracy"));
            assertTrue(b.plots().containsKey("transition-curves"));
            // the grid is a PNG, listed with its caption for the report
            assertEquals(
                    Map.of(
                            "binary-artifacts",
                            java.util.List.of("samples-4.png"),
                            "captions",
                            java.util.List.of("Generated samples after pseudo-batch 4"),
                            "pseudo-batches",
                            java.util.List.of(4L)),
                    b.artifacts().get("sample-grids"));
            byte[] png = straight.artifact("samples-4.png").orElseThrow();
            assertEquals((byte) 0x89, png[0]);
            assertEquals('P', png[1]);
        }
    }

    @Test
    void neverLooksAtTheTrainingImages() {
        ZeroShotDistiller d = new ZeroShotDistiller();
        Task other =
                new Task(SyntheticImages.bands("other", 40, 4, 16, 16, 99), Fixtures.EVAL, "test");
        try (NDManager m = NDManager.newBaseManager()) {
            RunResult a =
                    d.distill(new Fixtures.Context(m, new HashMap<>(), -1), tiny(), Fixtures.TASK);
            RunResult b = d.distill(new Fixtures.Context(m, new HashMap<>(), -1), tiny(), other);
            assertEquals(a.metrics(), b.metrics());
        }
    }

    /**
     * The pixel scale reaches the generator: the same run with a non-identity scale ends with a
     * different student, and a scale for more channels than the teacher's images is a clear error.
     */
    @Test
    void pixelScaleChangesTheRunAndMustMatchTheChannels() {
        ZeroShotDistiller d = new ZeroShotDistiller();
        try (NDManager m = NDManager.newBaseManager()) {
            Fixtures.Context plain = new Fixtures.Context(m, new HashMap<>(), -1);
            d.distill(plain, tiny(), Fixtures.TASK);
            Fixtures.Context scaled = new Fixtures.Context(m, new HashMap<>(), -1);
            d.distill(
                    scaled,
                    tiny(Map.of("input-mean", List.of(0.3), "input-std", List.of(0.35))),
                    Fixtures.TASK);
            assertFalse(Arrays.equals(weights(m, plain), weights(m, scaled)));

            RunFailedException e =
                    assertThrows(
                            RunFailedException.class,
                            () ->
                                    d.distill(
                                            new Fixtures.Context(m, new HashMap<>(), -1),
                                            tiny(
                                                    Map.of(
                                                            "input-mean",
                                                            List.of(0.3, 0.3),
                                                            "input-std",
                                                            List.of(0.35, 0.35))),
                                            Fixtures.TASK));
            assertTrue(e.getMessage().contains("input-mean"), e.getMessage());
            assertTrue(e.getMessage().contains("1-channel"), e.getMessage());
        }
    }

    private static float[] weights(NDManager m, Fixtures.Context ctx) {
        byte[] bytes = ctx.artifact(ZeroShotDistiller.MODEL_ARTIFACT).orElseThrow();
        return ModelWeights.decode(m, bytes, "test").weights().toFloatArray();
    }

    @Test
    void conformsAndRejectsBadValuesNamingTheKey() {
        ComponentConformance.check(new ZeroShotDistiller());
        ComponentConformance.check(new KdAtDistiller());
        ComponentConformance.check(new KdDistiller());
        ComponentConformance.check(new ScratchDistiller());
        ConfigSchema<ZeroShotConfig> schema = ConfigSchema.of(ZeroShotConfig.class);
        ConfigException noTeacher =
                assertThrows(ConfigException.class, () -> schema.bind(Map.of(), "spec"));
        assertTrue(noTeacher.getMessage().contains("teacher"), noTeacher.getMessage());
        assertRejectsNaming("temperature", "temperature", 0);
        assertTrue(
                assertRejectsNaming("student-wrn-depth", "student-wrn-depth", 15)
                        .contains("6n + 4"));
        assertRejectsNaming(
                "input-std", "input-mean", List.of(0.5, 0.5), "input-std", List.of(0.25));
        assertRejectsNaming("input-std", "input-std", List.of(-0.3));
        ConfigException shared =
                assertThrows(
                        ConfigException.class,
                        () ->
                                ConfigSchema.of(FewShotConfig.class)
                                        .bind(
                                                Map.of(
                                                        "teacher",
                                                        Fixtures.TEACHER_CONFIG,
                                                        "zero-shot",
                                                        Map.of("student-model", "mlp")),
                                                "spec"));
        assertTrue(shared.getMessage().contains("student-model"), shared.getMessage());
        assertRejectsNaming("student-steps", "student-steps", 0);
    }

    /**
     * Binds the teacher plus {@code keysAndValues} and expects a config error naming {@code key};
     * returns its message.
     */
    private static String assertRejectsNaming(String key, Object... keysAndValues) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("teacher", Fixtures.TEACHER_CONFIG);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            v.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> ConfigSchema.of(ZeroShotConfig.class).bind(v, "spec"));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        return e.getMessage();
    }
}

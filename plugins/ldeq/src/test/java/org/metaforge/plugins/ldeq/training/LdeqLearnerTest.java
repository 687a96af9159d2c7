package org.metaforge.plugins.ldeq.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.metaforge.plugins.ldeq.drawing.LandmarkSheet;
import org.metaforge.plugins.ldeq.model.TestAutodiff;
import org.metaforge.plugins.ldeq.model.TestSolvers;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.nn.ModelWeights;
import org.metaforge.sdk.run.Artifacts;
import org.metaforge.sdk.run.Checkpoints;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Trials;
import org.metaforge.sdk.solver.BoundSolver;
import org.metaforge.sdk.testkit.ComponentConformance;
import org.metaforge.sdk.testkit.TestRunContext;

public class LdeqLearnerTest {

    private static final ConfigSchema<LdeqConfig> SCHEMA = ConfigSchema.of(LdeqConfig.class);

    public static Map<String, Object> tiny() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("image-size", 32);
        c.put("heatmap-size", 8);
        c.put("injection-width", 8);
        c.put("cell-width", 8);
        c.put("width-increment", 4);
        c.put("hourglass-depth", 1);
        c.put("steps", 4);
        c.put("batch-size", 2);
        c.put("checkpoint-every", 2);
        c.put("train-faces", 8);
        c.put("test-faces", 4);
        c.put("eval-batch", 4);
        c.put("solver-race-faces", 1);
        return c;
    }

    @Test
    void conforms() {
        ComponentConformance.check(new LdeqLearner());
    }

    @Test
    void rejectsAnImageSizeThatIsNotFourHeatmaps() {
        Map<String, Object> c = tiny();
        c.put("image-size", 40);
        ConfigException e = assertThrows(ConfigException.class, () -> SCHEMA.bind(c, "t"));
        assertTrue(e.getMessage().contains("4 x heatmap-size"), e.getMessage());
    }

    @Test
    void resumesAfterCancellationToTheSameModel() throws Exception {
        LdeqConfig config = SCHEMA.bind(tiny(), "t");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, byte[]> checkpoints = new HashMap<>();
            TestRunContext plain = context(m, new HashMap<>());
            RunResult straight = new LdeqLearner().fit(plain, config, null);
            byte[] straightModel =
                    plain.artifacts().load(TestRunContext.RUN_KEY, "model").orElseThrow();

            TestRunContext first = context(m, checkpoints);
            assertThrows(
                    CancellationException.class,
                    () -> new LdeqLearner().fit(new CancelAt(first, 3), config, null));
            assertTrue(checkpoints.containsKey(TrainingState.CHECKPOINT));

            TestRunContext second = context(m, checkpoints);
            RunResult resumed = new LdeqLearner().fit(second, config, null);
            assertTrue(resumed.events().contains("resumed at step 2"), resumed.events().toString());
            byte[] resumedModel =
                    second.artifacts().load(TestRunContext.RUN_KEY, "model").orElseThrow();
            float[] a = ModelWeights.decode(m, straightModel, "straight").weights().toFloatArray();
            float[] b = ModelWeights.decode(m, resumedModel, "resumed").weights().toFloatArray();
            assertArrayEquals(a, b);
            assertEquals(straight.metric("test_nme"), resumed.metric("test_nme"));
            // the picture of the test faces (4 here): one row of 4 cells of 32 x 5 pixels
            BufferedImage sheet =
                    ImageIO.read(
                            new ByteArrayInputStream(
                                    plain.artifacts()
                                            .load(
                                                    TestRunContext.RUN_KEY,
                                                    LdeqLearner.STILLS_PICTURE)
                                            .orElseThrow()));
            int cell = 32 * LandmarkSheet.scaleFor(32);
            assertEquals(LandmarkSheet.PAD + 4 * (cell + LandmarkSheet.PAD), sheet.getWidth());
            assertEquals(2 * LandmarkSheet.PAD + cell, sheet.getHeight());
            Map<?, ?> about = (Map<?, ?>) straight.artifacts().get("still-faces-picture");
            assertEquals(List.of(LdeqLearner.STILLS_PICTURE), about.get("binary-artifacts"));
            assertEquals(1, ((List<?>) about.get("captions")).size(), about.toString());
            assertTrue(straight.metric("test_nme") > 0);
            assertTrue(straight.metric("race_anderson_mean_evaluations") >= 1);
        }
    }

    @Test
    void explicitAndJacobianFreeModesMoveTheWeights() {
        for (String[] mode : new String[][] {{"mode", "explicit"}, {"backward", "jacobian-free"}}) {
            Map<String, Object> c = tiny();
            c.put("steps", 2);
            c.put("solver-race-faces", 0);
            c.put(mode[0], mode[1]);
            LdeqConfig config = SCHEMA.bind(c, "t");
            try (NDManager m = NDManager.newBaseManager()) {
                TestRunContext ctx = context(m, new HashMap<>());
                RunResult r = new LdeqLearner().fit(ctx, config, null);
                float[] trained =
                        ModelWeights.decode(
                                        m,
                                        ctx.artifacts()
                                                .load(TestRunContext.RUN_KEY, "model")
                                                .orElseThrow(),
                                        "trained")
                                .weights()
                                .toFloatArray();
                float[] initial =
                        new org.metaforge.plugins.ldeq.model.LdeqNetwork(config.architecture())
                                .initialParameters(m, ctx.seeds().derive("init"))
                                .toFloatArray();
                double moved = 0;
                for (int i = 0; i < trained.length; i++) {
                    moved = Math.max(moved, Math.abs(trained[i] - initial[i]));
                }
                assertTrue(moved > 1e-4, mode[1] + " left the weights in place: " + moved);
                assertTrue(Double.isFinite(r.metric("test_nme")), r.metrics().toString());
            }
        }
    }

    public static TestRunContext context(NDManager m, Map<String, byte[]> checkpoints) {
        return context(m, checkpoints, null);
    }

    /** The same, with {@code trials} answering {@link TestRunContext#trials()}. */
    public static TestRunContext context(
            NDManager m, Map<String, byte[]> checkpoints, org.metaforge.sdk.run.Trials trials) {
        Autodiff ad = new TestAutodiff();
        TestRunContext c = new TestRunContext(m, 7, ad, trials, checkpoints);
        BoundSolver anderson = TestSolvers.anderson(c, Map.of("max-iterations", 6));
        c.withSolver("solvers/anderson", anderson);
        c.withSolver("solvers/fixed-point", TestSolvers.fixedPoint(c, Map.of("max-iterations", 6)));
        return c;
    }

    /** A context that cancels the run at the n-th cancellation check. */
    private static final class CancelAt implements RunContext {
        private final RunContext inner;
        private int left;

        CancelAt(RunContext inner, int n) {
            this.inner = inner;
            this.left = n;
        }

        @Override
        public NDManager manager() {
            return inner.manager();
        }

        @Override
        public Device device() {
            return inner.device();
        }

        @Override
        public long seed() {
            return inner.seed();
        }

        @Override
        public Autodiff autodiff() {
            return inner.autodiff();
        }

        @Override
        public Progress progress(String label, long total, String unit) {
            return inner.progress(label, total, unit);
        }

        @Override
        public void info(String message) {
            inner.info(message);
        }

        @Override
        public Checkpoints checkpoints() {
            return inner.checkpoints();
        }

        @Override
        public Trials trials() {
            return inner.trials();
        }

        @Override
        public Artifacts artifacts() {
            return inner.artifacts();
        }

        @Override
        public BoundSolver solver(String componentId, Map<String, Object> config) {
            return inner.solver(componentId, config);
        }

        @Override
        public void checkCancelled() {
            if (--left <= 0) {
                throw new CancellationException("test cancels here");
            }
        }
    }
}

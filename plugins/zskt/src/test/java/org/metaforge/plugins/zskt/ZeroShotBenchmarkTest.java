package org.metaforge.plugins.zskt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metaforge.plugins.zskt.ZeroShotDistiller.PseudoBatch;
import org.metaforge.plugins.zskt.ZeroShotDistiller.State;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;

/** The benchmark on a tiny configuration: finite positive rates, nothing stored, honest modes. */
class ZeroShotBenchmarkTest {

    private static ZeroShotConfig tiny() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("teacher", Fixtures.TEACHER_CONFIG);
        v.put("student-model", "lenet");
        v.put("pseudo-batches", 100);
        v.put("batch-size", 8);
        v.put("z-dim", 8);
        v.put("student-steps", 2);
        return ConfigSchema.of(ZeroShotConfig.class).bind(v, "test");
    }

    @Test
    void reportsFinitePositiveRatesOfBothModesAndStoresNothing() {
        Map<String, byte[]> checkpoints = new HashMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Fixtures.Context ctx = new Fixtures.Context(m, checkpoints, -1);
            RunResult r = new ZeroShotDistiller().benchmark(ctx, tiny(), Fixtures.TASK);
            for (String mode : List.of("once", "regenerate", "once_cpu", "regenerate_cpu")) {
                for (String metric :
                        List.of("_generator_ms", "_batch_ms", "_student_ms", "_pseudo_batch_ms")) {
                    double v = r.metric(mode + metric);
                    assertTrue(Double.isFinite(v) && v >= 0, mode + metric + " = " + v);
                }
                double rate = r.metric(mode + "_pseudo_batches_per_s");
                assertTrue(Double.isFinite(rate) && rate > 0, mode + " rate " + rate);
                assertEquals(1000 / r.metric(mode + "_pseudo_batch_ms"), rate, 1e-9 * rate);
            }
            double ratio = r.metric("regenerate_once_ratio");
            assertTrue(Double.isFinite(ratio) && ratio > 0, "ratio " + ratio);
            assertEquals(Fixtures.lenet().model().parameterCount(), r.metric("teacher_parameters"));
            assertEquals(
                    Generator.create(8, Fixtures.IMAGE).parameterCount(),
                    r.metric("generator_parameters"));
            @SuppressWarnings("unchecked")
            List<String> lines = (List<String>) r.artifacts().get("lines");
            assertTrue(
                    lines.stream().anyMatch(l -> l.contains("random weights")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("  generated once")));
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("  regenerated per student")));
            assertTrue(ctx.savedArtifacts().isEmpty(), ctx.savedArtifacts().toString());
            assertTrue(checkpoints.isEmpty());
        }
    }

    /**
     * Regenerating the batch for every student step, as the authors' loop does, trains the student
     * to the same weights: the images are the same, and the gradient into the generator is unused.
     */
    @Test
    void regeneratingTheBatchPerStudentStepTrainsTheSameStudent() {
        ZeroShotConfig c = tiny();
        Autodiff ad = new FirstOrderAutodiff();
        try (NDManager m = NDManager.newBaseManager()) {
            Fixtures.Context ctx = new Fixtures.Context(m, new HashMap<>(), -1);
            Teacher teacher = Fixtures.teacher(m, 4, false);
            Net student = Fixtures.lenet();
            Sequential g = Generator.create(c.zDim(), Fixtures.IMAGE);
            float[][] weights = new float[2][];
            for (int mode = 0; mode < 2; mode++) {
                State s = ZeroShotDistiller.fresh(ctx, g, student, m);
                for (int p = 0; p < 2; p++) {
                    try (NDManager pm = m.newSubManager()) {
                        NDArray z =
                                ZeroShotDistiller.noise(
                                        pm, c.batchSize(), c.zDim(), s.noiseSeed(s.done));
                        ZeroShotDistiller.generatorPhase(ad, c, g, teacher, student, s, z, pm);
                        PseudoBatch batch = PseudoBatch.of(g, teacher, s, z, pm);
                        if (mode == 0) {
                            ZeroShotDistiller.studentPhase(ad, c, student, s, batch, pm);
                        } else {
                            ZeroShotBenchmark.regeneratingStudentPhase(
                                    ad, c, g, student, s, z, batch, pm);
                        }
                    }
                    s.done++;
                }
                weights[mode] = s.sw.toFloatArray();
            }
            assertArrayEquals(weights[0], weights[1], 1e-6f);
        }
    }
}

package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.Losses;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.testkit.ComponentConformance;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;
import org.metaforge.sdk.testkit.SyntheticImages;
import org.metaforge.sdk.testkit.TestRunContext;

/**
 * MAML's meta-gradients, runs and configuration. The exact (second-order) meta-gradient needs the
 * host's second-order autodiff, which plugin tests do not have: {@code MamlGradcheckIT} in the
 * experiments module checks it against finite differences through {@code metaforge gradcheck}.
 */
class MamlTest {

    static final LabeledImages TRAIN = SyntheticImages.bands("bands/train", 400, 10, 28, 28, 1);
    static final LabeledImages TEST = SyntheticImages.bands("bands/test", 200, 10, 28, 28, 2);
    static final Task TASK = new Task(TRAIN, TEST, "test");
    private static final ConfigSchema<MamlConfig> SCHEMA = ConfigSchema.of(MamlConfig.class);

    static Map<String, Object> small(int iterations) {
        Map<String, Object> c = new HashMap<>();
        c.put("ways", 5);
        c.put("shots", 1);
        c.put("queries", 3);
        c.put("channels", 4);
        c.put("meta-batch", 2);
        c.put("inner-steps", 2);
        c.put("inner-steps-test", 3);
        c.put("train-iterations", iterations);
        c.put("test-episodes", 20);
        c.put("validation-episodes", 4);
        c.put("eval-every", 2);
        c.put("checkpoint-every", 2);
        c.put("validation-fraction", 0.2);
        c.put("first-order", true);
        return c;
    }

    @Test
    void firstOrderMetaGradientIsTheQueryGradientAtTheAdaptedWeights() {
        Autodiff ad = new FirstOrderAutodiff();
        Sequential net = ConvClassifier.of(new Shape(1, 16, 16), 2, 3);
        double lr = 0.3;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ConvClassifier.EpisodeTensors t = tinyEpisode(m, 3, 2, 2);
            NDArray theta = net.initialParameters(m, 7).toType(DataType.FLOAT64, false);
            Maml.MetaGradient fo = Maml.metaGradient(ad, net, theta, t, 3, lr, true);
            // Independently: three SGD steps in Java arithmetic on gradients of the support loss,
            // then the gradient of the query loss at the result.
            double[] w = theta.toDoubleArray();
            for (int k = 0; k < 3; k++) {
                double[] g = plainGradient(ad, net, m, w, t.xs(), t.ys());
                for (int i = 0; i < w.length; i++) {
                    w[i] -= lr * g[i];
                }
            }
            double[] expected = plainGradient(ad, net, m, w, t.xq(), t.yq());
            assertArrayEquals(expected, fo.gradient().toDoubleArray(), 1e-12);
            // The adaptation mattered: the query gradient at theta itself is different.
            double[] atTheta = plainGradient(ad, net, m, theta.toDoubleArray(), t.xq(), t.yq());
            double gap = 0;
            for (int i = 0; i < w.length; i++) {
                gap = Math.max(gap, Math.abs(atTheta[i] - expected[i]));
            }
            assertTrue(gap > 1e-3, "adaptation changed the query gradient by only " + gap);
            // theta is untouched and the meta-gradient lives on theta's manager
            assertEquals(m, fo.gradient().getManager());
        }
    }

    @Test
    void sameSeedGivesTheSameTestEpisodesAndIdenticalNumbers() {
        RunResult a = optimize(small(4), 3);
        RunResult b = optimize(small(4), 3);
        assertEquals(a.metrics(), b.metrics());
        assertEquals(a.artifacts(), b.artifacts());
        RunResult other = optimize(small(4), 4);
        assertNotEquals(
                a.artifacts().get("test_episode_accuracies"),
                other.artifacts().get("test_episode_accuracies"));
        assertEquals(20, a.metric("test_episodes"));
        double acc = a.metric("test_accuracy");
        assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
        assertTrue(a.metric("test_accuracy_ci95") > 0);
        assertEquals(
                List.of(0.0, 2.0, 4.0),
                java.util.Arrays.stream(
                                a.plots().get("meta-validation-accuracy").series().get(0).x())
                        .boxed()
                        .toList());
    }

    @Test
    void testEpisodesAreProtoNetsForTheSameSeedAndShape() {
        MamlConfig maml = SCHEMA.bind(small(1), "t");
        ProtoNetConfig proto = ConfigSchema.of(ProtoNetConfig.class).bind(protoOf(small(1)), "t");
        org.metaforge.sdk.run.Seeds seeds = new org.metaforge.sdk.run.Seeds(11);
        List<Episode> fromMaml = episodes(maml.episodeSize(), maml.validationFraction(), seeds);
        List<Episode> fromProto = episodes(proto.episodeSize(), proto.validationFraction(), seeds);
        for (int i = 0; i < fromMaml.size(); i++) {
            assertArrayEquals(fromProto.get(i).support(), fromMaml.get(i).support());
            assertArrayEquals(fromProto.get(i).query(), fromMaml.get(i).query());
            assertArrayEquals(fromProto.get(i).classes(), fromMaml.get(i).classes());
        }
    }

    @Test
    void resumesFromItsCheckpointWithIdenticalResults() {
        MamlConfig config = SCHEMA.bind(small(6), "t");
        RunResult straight = optimize(small(6), 9);
        Map<String, byte[]> checkpoints = new HashMap<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TestRunContext ctx =
                    new TestRunContext(m, 9, new FirstOrderAutodiff(), null, checkpoints);
            // The 5th cancellation check comes before outer step 5, after the step-4 checkpoint.
            StoppingContext stop = new StoppingContext(ctx, 4);
            assertThrows(
                    CancellationException.class, () -> new Maml().optimize(stop, config, TASK));
        }
        RunResult resumed;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TestRunContext ctx =
                    new TestRunContext(m, 9, new FirstOrderAutodiff(), null, checkpoints);
            resumed = new Maml().optimize(ctx, config, TASK);
            assertTrue(ctx.infos().get(0).contains("after step 4"), ctx.infos().toString());
        }
        assertEquals(straight.metrics(), resumed.metrics());
        assertEquals(straight.artifacts(), resumed.artifacts());
    }

    @Test
    void conformsAndRejectsBadValuesNamingTheField() {
        ComponentConformance.check(new Maml());
        Map<String, Object> c = small(1);
        c.put("inner-lr", 0.0);
        ConfigException e = assertThrows(ConfigException.class, () -> SCHEMA.bind(c, "t"));
        assertTrue(e.getMessage().contains("'inner-lr'"), e.getMessage());
        Map<String, Object> c2 = small(1);
        c2.put("meta-batch", 0);
        ConfigException e2 = assertThrows(ConfigException.class, () -> SCHEMA.bind(c2, "t"));
        assertTrue(e2.getMessage().contains("'meta-batch': 0 is out of range"), e2.getMessage());
        Map<String, Object> c3 = small(1);
        c3.put("inner-steps", 0);
        ConfigException e3 = assertThrows(ConfigException.class, () -> SCHEMA.bind(c3, "t"));
        assertTrue(e3.getMessage().contains("'inner-steps'"), e3.getMessage());
        Map<String, Object> c4 = small(1);
        c4.put("test-classes", List.of(4, 5, 6, 7, 8));
        ConfigException e4 = assertThrows(ConfigException.class, () -> SCHEMA.bind(c4, "t"));
        assertTrue(e4.getMessage().contains("'test-classes': shares classes [4]"), e4.getMessage());
        Map<String, Object> c5 = small(1);
        c5.put("first-order", "yes");
        assertThrows(ConfigException.class, () -> SCHEMA.bind(c5, "t"));
        assertEquals(0.1, SCHEMA.defaults().innerLr());
        assertEquals(5, SCHEMA.defaults().innerSteps());
        assertEquals(10, SCHEMA.defaults().innerStepsTest());
        assertEquals(600, SCHEMA.defaults().testEpisodes());
    }

    @Test
    void classifierIsTheFourBlockNetWithALinearHead() {
        Sequential net = ConvClassifier.of(new Shape(1, 28, 28), 64, 5);
        assertEquals(new Shape(5), net.outputShape());
        // the ProtoNet embedding (64 features) plus a 64x5 + 5 head
        assertEquals(640 + 128 + 3 * (36_864 + 64 + 128) + 325, net.parameterCount());
    }

    private static List<Episode> episodes(
            EpisodeSize size, double fraction, org.metaforge.sdk.run.Seeds seeds) {
        return EpisodicTask.create(
                        TASK,
                        List.of(0, 1, 2, 3, 4),
                        List.of(5, 6, 7, 8, 9),
                        fraction,
                        size,
                        seeds,
                        "t")
                .testEpisodes(10);
    }

    private static Map<String, Object> protoOf(Map<String, Object> maml) {
        Map<String, Object> p = new HashMap<>();
        for (String k : List.of("ways", "shots", "queries", "validation-fraction", "channels")) {
            p.put(k, maml.get(k));
        }
        return p;
    }

    static RunResult optimize(Map<String, Object> config, long seed) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return new Maml()
                    .optimize(TestRunContext.simple(m, seed), SCHEMA.bind(config, "t"), TASK);
        }
    }

    /** A random float64 episode of {@code ways} classes of 16x16 images. */
    static ConvClassifier.EpisodeTensors tinyEpisode(
            NDManager m, int ways, int shots, int queries) {
        Random r = new Random(3);
        return new ConvClassifier.EpisodeTensors(
                images(m, r, ways * shots),
                m.create(labels(ways, shots)),
                images(m, r, ways * queries),
                m.create(labels(ways, queries)));
    }

    private static NDArray images(NDManager m, Random r, int n) {
        double[] v = new double[n * 256];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return m.create(v, new Shape(n, 1, 16, 16));
    }

    private static int[] labels(int ways, int per) {
        int[] y = new int[ways * per];
        for (int i = 0; i < y.length; i++) {
            y[i] = i / per;
        }
        return y;
    }

    /** The loss gradient at {@code w}, spelled out without ConvClassifier. */
    private static double[] plainGradient(
            Autodiff ad, Sequential net, NDManager m, double[] w, NDArray x, NDArray y) {
        try (NDManager sm = m.newSubManager();
                Autodiff.Tape tape = ad.tape()) {
            NDArray wr = ad.requireGradient(sm.create(w));
            NDArray logits = net.forward(wr, x, net.newState(sm), true);
            NDArray loss = Losses.crossEntropy(logits, y);
            return ad.gradient(loss, new NDList(wr), false).get(0).toDoubleArray();
        }
    }
}

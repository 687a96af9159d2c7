package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.metric.Accuracy;
import org.metaforge.sdk.nn.Linear;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.testkit.ComponentConformance;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;
import org.metaforge.sdk.testkit.TestRunContext;

class ReptileTest {

    private static final Task TASK = MamlTest.TASK;

    private static final ConfigSchema<ReptileConfig> SCHEMA = ConfigSchema.of(ReptileConfig.class);

    @Test
    void interpolatesTowardsTheMeanOfTheAdaptedWeights() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray theta = m.create(new double[] {1, 2});
            List<NDArray> adapted =
                    List.of(m.create(new double[] {3, 2}), m.create(new double[] {1, 6}));
            Reptile.interpolate(theta, adapted, 0.5);
            // mean (2, 4); (1, 2) + 0.5 ((2, 4) - (1, 2)) = (1.5, 3)
            assertArrayEquals(new double[] {1.5, 3}, theta.toDoubleArray(), 1e-15);
        }
    }

    @Test
    void outerStepSizeIsAnnealedLinearlyToZero() {
        assertEquals(1.0, Reptile.outerStep(1.0, 0, 10));
        assertEquals(0.5, Reptile.outerStep(1.0, 5, 10), 1e-15);
        assertEquals(0.04, Reptile.outerStep(0.4, 9, 10), 1e-15);
    }

    @Test
    void outerStepOnATinyProblemIsTheHandComputedInterpolation() {
        // Softmax regression on 2 features, 3 classes, from theta = 0: every class has
        // probability 1/3, so one SGD step's gradient is known in closed form,
        // dL/dW[c] = mean_b (1/3 - [y_b = c]) x_b and dL/db[c] = mean_b (1/3 - [y_b = c]).
        Sequential net = Sequential.builder(new Shape(2)).add(Linear.of(3)).build();
        double lr = 0.5;
        double eps = 0.25;
        double[][][] xs = {{{1, 0}, {0, 2}, {1, 1}}, {{-1, 3}, {2, -1}, {0, 1}}};
        double[][][] xq = {{{2, 2}, {0, 1}, {1, -1}}, {{1, 1}, {3, 0}, {-2, 2}}};
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray theta = m.zeros(new Shape(9), ai.djl.ndarray.types.DataType.FLOAT64);
            List<ConvClassifier.EpisodeTensors> tasks =
                    List.of(task(m, xs[0], xq[0]), task(m, xs[1], xq[1]));
            Reptile.step(new FirstOrderAutodiff(), net, theta, tasks, 1, lr, eps);
            double[] expected = new double[9];
            for (int t = 0; t < 2; t++) {
                // support then query, labels 0, 1, 2 each (merged batch of 6)
                double[][] x = {xs[t][0], xs[t][1], xs[t][2], xq[t][0], xq[t][1], xq[t][2]};
                int[] y = {0, 1, 2, 0, 1, 2};
                for (int c = 0; c < 3; c++) {
                    for (int b = 0; b < 6; b++) {
                        double r = 1.0 / 3 - (y[b] == c ? 1 : 0);
                        // adapted = -lr g; mean over 2 tasks; theta + eps (mean - 0)
                        expected[2 * c] += eps * 0.5 * -lr * r * x[b][0] / 6;
                        expected[2 * c + 1] += eps * 0.5 * -lr * r * x[b][1] / 6;
                        expected[6 + c] += eps * 0.5 * -lr * r / 6;
                    }
                }
            }
            assertArrayEquals(expected, theta.toDoubleArray(), 1e-14);
            assertTrue(Math.abs(expected[0]) > 1e-3);
        }
    }

    @Test
    void runsReproduciblyAndRejectsBadValues() {
        ComponentConformance.check(new Reptile());
        Map<String, Object> c = new HashMap<>(MamlTest.small(4));
        c.remove("first-order");
        RunResult a = optimize(c, 3);
        RunResult b = optimize(c, 3);
        assertEquals(a.metrics(), b.metrics());
        assertEquals(a.artifacts(), b.artifacts());
        double acc = a.metric("test_accuracy");
        assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
        c.put("outer-step", 1.5);
        ConfigException e = assertThrows(ConfigException.class, () -> SCHEMA.bind(c, "t"));
        assertTrue(e.getMessage().contains("'outer-step': 1.5 is out of range"), e.getMessage());
        c.put("outer-step", 0.5);
        c.put("first-order", true);
        ConfigException e2 = assertThrows(ConfigException.class, () -> SCHEMA.bind(c, "t"));
        assertTrue(e2.getMessage().contains("first-order"), e2.getMessage());
    }

    @Test
    void adamFineTuningTakesSignSizedFirstStepsAndLeavesTheStartAlone() {
        Sequential net = ConvClassifier.of(new Shape(1, 16, 16), 2, 3);
        double lr = 0.01;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ConvClassifier.EpisodeTensors t = MamlTest.tinyEpisode(m, 3, 2, 2);
            NDArray theta = net.initialParameters(m, 7).toType(DataType.FLOAT64, false);
            double[] before = theta.toDoubleArray();
            double[] g =
                    ConvClassifier.gradient(new FirstOrderAutodiff(), net, theta, t.xs(), t.ys())
                            .toDoubleArray();
            double[] after =
                    ConvClassifier.adam(new FirstOrderAutodiff(), net, theta, t.xs(), t.ys(), 1, lr)
                            .toDoubleArray();
            // Adam's bias-corrected first step is lr g / (|g| + eps) in every coordinate.
            double[] expected = new double[before.length];
            for (int i = 0; i < before.length; i++) {
                expected[i] = before[i] - lr * g[i] / (Math.abs(g[i]) + Adam.EPS);
            }
            assertArrayEquals(expected, after, 1e-12);
            assertArrayEquals(before, theta.toDoubleArray(), 0.0);
        }
    }

    @Test
    void testOptimizerAndLearningRateChangeOnlyTheEvaluation() {
        Map<String, Object> c = new HashMap<>(MamlTest.small(2));
        c.remove("first-order");
        RunResult byDefault = optimize(c, 5);
        c.put("test-lr", 0.1);
        RunResult explicitSgd = optimize(c, 5);
        assertEquals(byDefault.metrics(), explicitSgd.metrics());
        c.put("test-optimizer", "adam");
        c.put("test-lr", 0.003);
        RunResult adam = optimize(c, 5);
        assertEquals(byDefault.metric("train_loss"), adam.metric("train_loss"));
        assertTrue(
                byDefault.metric("test_accuracy") != adam.metric("test_accuracy")
                        || !byDefault
                                .artifacts()
                                .get("test_episode_accuracies")
                                .equals(adam.artifacts().get("test_episode_accuracies")),
                "Adam fine-tuning scored every episode exactly as SGD did");
        c.put("test-optimizer", "rmsprop");
        ConfigException e = assertThrows(ConfigException.class, () -> SCHEMA.bind(c, "t"));
        assertTrue(e.getMessage().contains("test-optimizer"), e.getMessage());
    }

    @Test
    void anEnsemblePredictsTheClassOfHighestMeanSoftmaxProbability() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // Member 1 is sure of class 0 by a wide logit margin, members 2 and 3 lean to class 1:
            // the mean logit favours class 0, the mean probability class 1.
            double[][][] logits = {{{20, 0, 0}}, {{0, 5, 0}}, {{0, 5, 0}}};
            List<NDArray> members =
                    List.of(m.create(logits[0]), m.create(logits[1]), m.create(logits[2]));
            double[] mean = MetaTraining.meanProbabilities(members).toDoubleArray();
            double[] expected = new double[3];
            for (double[][] member : logits) {
                double z = 0;
                for (double v : member[0]) {
                    z += Math.exp(v);
                }
                for (int j = 0; j < 3; j++) {
                    expected[j] += Math.exp(member[0][j]) / z / 3;
                }
            }
            assertArrayEquals(expected, mean, 1e-12);
            // By hand: member 1 gives class 0 the probability 1 / (1 + 2 e^-20) and class 1
            // e^-20 / (1 + 2 e^-20); members 2 and 3 give 1 / (2 + e^5) and e^5 / (2 + e^5).
            double e5 = Math.exp(5);
            double e20 = Math.exp(-20);
            assertEquals((1 / (1 + 2 * e20) + 2 / (2 + e5)) / 3, mean[0], 1e-15);
            assertEquals((e20 / (1 + 2 * e20) + 2 * e5 / (2 + e5)) / 3, mean[1], 1e-15);
            NDArray label = m.create(new int[] {1});
            assertEquals(1.0, Accuracy.of(MetaTraining.meanProbabilities(members), label));
            assertEquals(
                    0.0,
                    Accuracy.of(members.get(0).add(members.get(1)).add(members.get(2)), label));
        }
    }

    @Test
    void ensembleMembersTrainApartAndAreScoredTogether() {
        Map<String, Object> c = new HashMap<>(MamlTest.small(4));
        c.remove("first-order");
        RunResult single = optimize(c, 6);
        c.put("ensemble", 2);
        RunResult pair = optimize(c, 6);
        List<Plot.Series> curves = pair.plots().get("meta-validation-accuracy").series();
        assertEquals(2, curves.size());
        // The first member is the single initialisation: same start, same episodes.
        double[] alone = single.plots().get("meta-validation-accuracy").series().get(0).y();
        assertArrayEquals(alone, curves.get(0).y());
        // The second starts from its own initialisation and meets other episodes.
        assertTrue(alone[0] != curves.get(1).y()[0], "members 1 and 2 start alike");
        double[] lossAlone = single.plots().get("train-loss").series().get(0).y();
        double[] loss2 = pair.plots().get("train-loss").series().get(1).y();
        assertTrue(lossAlone[0] != loss2[0], "members 1 and 2 train alike");
        assertEquals(2 * single.metric("parameters"), pair.metric("parameters"));
        assertTrue(
                !single.artifacts()
                        .get("test_episode_accuracies")
                        .equals(pair.artifacts().get("test_episode_accuracies")),
                "the second member changed no test episode's accuracy");
        assertEquals(
                (lossAlone[lossAlone.length - 1] + loss2[loss2.length - 1]) / 2,
                pair.metric("train_loss"),
                1e-12);
    }

    @Test
    void anEnsembleResumesInItsSecondMemberWithoutRetrainingTheFirst() {
        Map<String, Object> c = new HashMap<>(MamlTest.small(4));
        c.remove("first-order");
        c.put("ensemble", 2);
        ReptileConfig config = SCHEMA.bind(c, "t");
        RunResult straight = optimize(c, 7);
        Map<String, byte[]> checkpoints = new HashMap<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TestRunContext ctx =
                    new TestRunContext(m, 7, new FirstOrderAutodiff(), null, checkpoints);
            // Checks 1-4 precede member 1's steps, 5-6 member 2's steps 1-2; the 7th, before its
            // step 3, stops the run after member 1's final checkpoint and member 2's of step 2.
            StoppingContext stop = new StoppingContext(ctx, 6);
            assertThrows(
                    CancellationException.class, () -> new Reptile().optimize(stop, config, TASK));
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TestRunContext ctx =
                    new TestRunContext(m, 7, new FirstOrderAutodiff(), null, checkpoints);
            RunResult resumed = new Reptile().optimize(ctx, config, TASK);
            assertEquals(
                    List.of(
                            "Resuming baselines/reptile member 1 of 2 from its checkpoint after"
                                    + " step 4.",
                            "Resuming baselines/reptile member 2 of 2 from its checkpoint after"
                                    + " step 2."),
                    ctx.infos().subList(0, 2));
            assertEquals(straight.metrics(), resumed.metrics());
            assertEquals(straight.artifacts(), resumed.artifacts());
        }
    }

    private static RunResult optimize(Map<String, Object> config, long seed) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return new Reptile()
                    .optimize(TestRunContext.simple(m, seed), SCHEMA.bind(config, "t"), TASK);
        }
    }

    private static ConvClassifier.EpisodeTensors task(NDManager m, double[][] s, double[][] q) {
        return new ConvClassifier.EpisodeTensors(
                m.create(s),
                m.create(new int[] {0, 1, 2}),
                m.create(q),
                m.create(new int[] {0, 1, 2}));
    }
}

package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;
import org.metaforge.sdk.testkit.LearnerConformance;
import org.metaforge.sdk.testkit.SyntheticImages;
import org.metaforge.sdk.testkit.TestRunContext;

class ProtoNetLearnerTest {

    // Ten classes of 28x28 bands: meta-train on the bands of classes 0-4 (upper rows), meta-test on
    // those of classes 5-9 (lower rows), which meta-training never shows.
    private static final LabeledImages TRAIN =
            SyntheticImages.bands("bands/train", 400, 10, 28, 28, 1);
    private static final LabeledImages TEST =
            SyntheticImages.bands("bands/test", 200, 10, 28, 28, 2);
    private static final Task TASK = new Task(TRAIN, TEST, "test");
    private static final ConfigSchema<ProtoNetConfig> SCHEMA =
            ConfigSchema.of(ProtoNetConfig.class);

    private static Map<String, Object> small(int trainEpisodes) {
        Map<String, Object> c = new HashMap<>();
        c.put("ways", 5);
        c.put("shots", 1);
        c.put("queries", 5);
        c.put("channels", 8);
        c.put("train-episodes", trainEpisodes);
        c.put("test-episodes", 50);
        c.put("validation-episodes", 10);
        c.put("eval-every", 10);
        c.put("checkpoint-every", 10);
        c.put("validation-fraction", 0.2);
        return c;
    }

    @Test
    void conformsAndBeatsChanceOnUnseenClasses() {
        RunResult r = LearnerConformance.check(new ProtoNetLearner(), small(40), TASK);
        double acc = r.metric("test_accuracy");
        // 5-way 1-shot: chance is 0.2.
        assertTrue(acc > 0.6, "test accuracy " + acc);
        double ci = r.metric("test_accuracy_ci95");
        assertTrue(ci > 0 && ci < 0.2, "ci95 " + ci);
        assertEquals(50, ((List<?>) r.artifacts().get("test_episode_accuracies")).size());
        // Episodes 0, 10, 20, 30, 40.
        assertEquals(
                List.of(0.0, 10.0, 20.0, 30.0, 40.0),
                java.util.Arrays.stream(
                                r.plots().get("meta-validation-accuracy").series().get(0).x())
                        .boxed()
                        .toList());
    }

    @Test
    void metaTrainingImprovesAccuracyOnTheSameTestEpisodes() {
        RunResult untrained = fit(small(0), 3);
        RunResult trained = fit(small(40), 3);
        // Random conv features already separate bands somewhat; the same seed gives the same
        // initial weights and the same 50 test episodes, so the comparison is paired. Measured:
        // 0.73 untrained, 0.83 after 40 episodes (ci95 about 0.025 each).
        double before = untrained.metric("test_accuracy");
        double after = trained.metric("test_accuracy");
        assertTrue(after > before + 0.05, "untrained " + before + ", trained " + after);
        double[] val = trained.plots().get("meta-validation-accuracy").series().get(0).y();
        assertEquals(untrained.metric("meta_validation_accuracy"), val[0], 1e-12);
        assertTrue(val[val.length - 1] > 0.95, "meta-validation " + val[val.length - 1]);
    }

    @Test
    void transductiveBatchNormFeatureTransformAndHeadChangeOnlyEvaluation() {
        RunResult plain = fit(small(20), 4);
        Map<String, Object> options =
                Map.of(
                        "transductive-batch-norm",
                        true,
                        "feature-transform",
                        "power-centred-l2",
                        "head",
                        "logistic");
        for (Map.Entry<String, Object> option : options.entrySet()) {
            Map<String, Object> c = small(20);
            c.put(option.getKey(), option.getValue());
            RunResult changed = fit(c, 4);
            String name = option.getKey();
            // Same training (the option does not touch it), a different evaluation.
            assertEquals(plain.metric("train_loss"), changed.metric("train_loss"), name);
            assertTrue(
                    plain.metric("test_accuracy") != changed.metric("test_accuracy"),
                    name + " left the accuracy at " + plain.metric("test_accuracy"));
            assertTrue(changed.metric("test_accuracy") > 0.5, name);
        }
    }

    @Test
    void trainShiftChangesOnlyMetaTraining() {
        Map<String, Object> c = small(20);
        RunResult plain = fit(c, 4);
        c.put("train-shift", 2);
        RunResult shifted = fit(c, 4);
        double[] before = plain.plots().get("meta-validation-accuracy").series().get(0).y();
        double[] after = shifted.plots().get("meta-validation-accuracy").series().get(0).y();
        // The same untrained network is evaluated on the same unshifted episodes first.
        assertEquals(before[0], after[0]);
        assertTrue(
                plain.metric("train_loss") != shifted.metric("train_loss"),
                "shifting left the training loss at " + plain.metric("train_loss"));
        assertTrue(shifted.metric("test_accuracy") > 0.5, "" + shifted.metric("test_accuracy"));
    }

    @Test
    void resumesFromItsEpisodeCheckpointWithIdenticalResults() {
        ProtoNetConfig config = SCHEMA.bind(small(40), "t");
        RunResult straight = fit(small(40), 9);
        // A run stopped during episode 26 leaves the checkpoint of episode 20.
        List<String> infos = new ArrayList<>();
        RunResult resumed = stopThenResume(config, 9, 25, infos);
        assertTrue(infos.get(0).contains("after episode 20"), infos.toString());
        assertEquals(straight.metrics(), resumed.metrics());
        assertEquals(straight.artifacts(), resumed.artifacts());
    }

    /**
     * Fits {@code config} with seed {@code seed} until {@code episodes} meta-training episodes have
     * passed, then again from the checkpoints the stopped run left; returns the second run's result
     * and adds its info messages to {@code infos}.
     */
    private static RunResult stopThenResume(
            ProtoNetConfig config, long seed, int episodes, List<String> infos) {
        Map<String, byte[]> checkpoints = new HashMap<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TestRunContext ctx =
                    new TestRunContext(m, seed, new FirstOrderAutodiff(), null, checkpoints);
            StoppingContext stop = new StoppingContext(ctx, episodes);
            assertThrows(
                    CancellationException.class,
                    () -> new ProtoNetLearner().fit(stop, config, TASK));
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TestRunContext ctx =
                    new TestRunContext(m, seed, new FirstOrderAutodiff(), null, checkpoints);
            RunResult resumed = new ProtoNetLearner().fit(ctx, config, TASK);
            infos.addAll(ctx.infos());
            return resumed;
        }
    }

    @Test
    void ensembleMembersTrainApartAndAreScoredTogether() {
        RunResult single = fit(small(20), 6);
        Map<String, Object> c = small(20);
        c.put("ensemble", 2);
        RunResult pair = fit(c, 6);
        List<org.metaforge.sdk.run.Plot.Series> curves =
                pair.plots().get("meta-validation-accuracy").series();
        assertEquals(2, curves.size());
        // The first member is the single network: same initialisation, same episodes.
        double[] alone = single.plots().get("meta-validation-accuracy").series().get(0).y();
        assertArrayEquals(alone, curves.get(0).y());
        // The second starts from its own initialisation and meets other episodes.
        assertTrue(alone[0] != curves.get(1).y()[0], "members 1 and 2 start alike");
        assertTrue(alone[2] != curves.get(1).y()[2], "members 1 and 2 train alike");
        assertEquals(2 * single.metric("parameters"), pair.metric("parameters"));
        assertTrue(
                single.metric("test_accuracy") != pair.metric("test_accuracy"),
                "the second member left the accuracy at " + single.metric("test_accuracy"));
        assertTrue(pair.metric("test_accuracy") > 0.5, "ensemble " + pair.metric("test_accuracy"));
    }

    @Test
    void anEnsembleResumesInItsSecondMemberWithoutRetrainingTheFirst() {
        Map<String, Object> c = small(20);
        c.put("ensemble", 2);
        // Shifted images too: their offsets are drawn per member and episode, so they repeat.
        c.put("train-shift", 2);
        ProtoNetConfig config = SCHEMA.bind(c, "t");
        RunResult straight = fit(c, 7);
        // 20 episodes of member 1, then a stop during member 2's episode 16: member 1's final
        // checkpoint and member 2's of episode 10 are left.
        List<String> infos = new ArrayList<>();
        RunResult resumed = stopThenResume(config, 7, 35, infos);
        assertEquals(
                List.of(
                        "Resuming baselines/protonet member 1 of 2 from its checkpoint after"
                                + " episode 20.",
                        "Resuming baselines/protonet member 2 of 2 from its checkpoint after"
                                + " episode 10."),
                infos.subList(0, 2));
        assertEquals(straight.metrics(), resumed.metrics());
        assertEquals(straight.artifacts(), resumed.artifacts());
    }

    @Test
    void rejectsOverlappingOrTooSmallClassSplitsNamingTheField() {
        Map<String, Object> c = small(1);
        c.put("test-classes", List.of(4, 5, 6, 7, 8));
        ConfigException e = assertThrows(ConfigException.class, () -> SCHEMA.bind(c, "t"));
        assertTrue(e.getMessage().contains("'test-classes': shares classes [4]"), e.getMessage());
        Map<String, Object> c2 = small(1);
        c2.put("train-classes", List.of(0, 1, 2));
        ConfigException e2 = assertThrows(ConfigException.class, () -> SCHEMA.bind(c2, "t"));
        assertTrue(
                e2.getMessage().contains("'train-classes': has 3 classes but episodes are 5-way"),
                e2.getMessage());
        Map<String, Object> c4 = small(1);
        c4.put("train-ways", 6);
        ConfigException e4 = assertThrows(ConfigException.class, () -> SCHEMA.bind(c4, "t"));
        assertTrue(
                e4.getMessage().contains("'train-ways': is 6 but meta-training has only 5 classes"),
                e4.getMessage());
        c4.put("class-augmentation", "rotations");
        assertEquals(6, SCHEMA.bind(c4, "t").metaTrainingWays(), "20 classes with rotations");
        Map<String, Object> c3 = small(1);
        c3.put("test-classes", List.of(5, 6, 7, 8, 12));
        ProtoNetConfig bad = SCHEMA.bind(c3, "t");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ConfigException e3 =
                    assertThrows(
                            ConfigException.class,
                            () ->
                                    new ProtoNetLearner()
                                            .fit(TestRunContext.simple(m, 1), bad, TASK));
            assertTrue(
                    e3.getMessage().contains("'test-classes': class 12 does not exist"),
                    e3.getMessage());
        }
    }

    @Test
    void fineTuningLogitsAreHandComputedDistances() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // 1-dimensional embeddings, 2 ways x 2 shots: class 0 at 0 and 2, class 1 at 10 and
            // 14; full prototypes 1 and 12. Leave one out, 0's own prototype is 2 (logit -4),
            // 2's is 0 (-4), 10's is 14 (-16), 14's is 10 (-16); against the other class's full
            // prototype: (0-12)^2 = 144, (2-12)^2 = 100, (10-1)^2 = 81, (14-1)^2 = 169.
            NDArray emb = m.create(new double[] {0, 2, 10, 14}, new Shape(4, 1));
            assertArrayEquals(
                    new double[] {-4, -144, -4, -100, -81, -16, -169, -16},
                    ProtoNetLearner.leaveOneOutLogits(
                                    emb, m.create(new int[] {0, 0, 1, 1}), new EpisodeSize(2, 2, 1))
                            .toDoubleArray(),
                    1e-12);
            // Mirror, 2 ways x 1 shot: support 0 and 10 (the prototypes), mirrored 1 and 7.
            NDArray both = m.create(new double[] {0, 10, 1, 7}, new Shape(4, 1));
            assertArrayEquals(
                    new double[] {-1, -81, -49, -9},
                    ProtoNetLearner.mirrorLogits(both, new EpisodeSize(2, 1, 1)).toDoubleArray(),
                    1e-12);
        }
    }

    @Test
    void testTimeFineTuningChangesOnlyEvaluationAndFitsTheSupportSet() {
        Map<String, Object> c = small(20);
        c.put("shots", 2);
        RunResult plain = fit(c, 5);
        c.put("test-steps", 10);
        c.put("test-lr", 0.003);
        RunResult tuned = fit(c, 5);
        // Same meta-training, different test accuracy.
        assertEquals(plain.metric("train_loss"), tuned.metric("train_loss"));
        assertEquals(
                plain.metric("meta_validation_accuracy"), tuned.metric("meta_validation_accuracy"));
        assertTrue(
                plain.metric("test_accuracy") != tuned.metric("test_accuracy"),
                "fine-tuning left the accuracy at " + plain.metric("test_accuracy"));
        // The steps descend the support set's own leave-one-out loss, and leave the weights they
        // start from untouched.
        ProtoNetConfig config = SCHEMA.bind(c, "t");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Sequential net = ProtoNetLearner.embedding(new Shape(1, 28, 28), 8);
            NDArray w = net.initialParameters(m, 5L);
            NDArray before = w.duplicate();
            EpisodeSize size = new EpisodeSize(5, 2, 1);
            // Two test images of each of the classes 5-9, class-major.
            int[] support = new int[10];
            int[] taken = new int[10];
            for (int i = 0; i < TEST.size(); i++) {
                int k = TEST.label(i) - 5;
                if (k >= 0 && taken[k] < 2) {
                    support[2 * k + taken[k]++] = i;
                }
            }
            Episode episode =
                    new Episode(
                            size, new int[] {5, 6, 7, 8, 9}, support, new int[] {0, 1, 2, 3, 4});
            NDArray x = TEST.batch(m, support).get(0);
            FirstOrderAutodiff ad = new FirstOrderAutodiff();
            NDArray adapted = ProtoNetLearner.fineTune(ad, net, w, x, episode, config, m);
            double lossBefore = supportLoss(net, w, x, size, m);
            double lossAfter = supportLoss(net, adapted, x, size, m);
            assertTrue(lossAfter < 0.5 * lossBefore, lossBefore + " -> " + lossAfter);
            assertArrayEquals(before.toFloatArray(), w.toFloatArray());
        }
        c.put("shots", 1);
        ConfigException e = assertThrows(ConfigException.class, () -> SCHEMA.bind(c, "t"));
        assertTrue(e.getMessage().contains("test-queries"), e.getMessage());
        c.put("test-queries", "mirror");
        assertEquals(FineTuneQueries.MIRROR, SCHEMA.bind(c, "t").testQueries());
    }

    private static double supportLoss(
            Sequential net, NDArray w, NDArray x, EpisodeSize size, NDManager m) {
        NDArray emb = net.forward(w, x, net.newState(m), true);
        NDArray labels = m.create(new int[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4});
        return org.metaforge.sdk.nn.Losses.crossEntropy(
                        ProtoNetLearner.leaveOneOutLogits(emb, labels, size), labels)
                .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                .getDouble();
    }

    @Test
    void embeddingIsTheFourBlockNetOfTheLiterature() {
        Sequential net = ProtoNetLearner.embedding(new Shape(1, 28, 28), 64);
        // 28 -> 14 -> 7 -> 3 -> 1: a 64-dimensional embedding.
        assertEquals(new Shape(64), net.outputShape());
        // By hand: conv1 9*64 + 64, bn 2*64; blocks 2-4 each 9*64*64 + 64 + 2*64.
        assertEquals(640 + 128 + 3 * (36_864 + 64 + 128), net.parameterCount());
        RunFailedException e =
                assertThrows(
                        RunFailedException.class,
                        () -> ProtoNetLearner.embedding(new Shape(1, 12, 12), 64));
        assertTrue(e.getMessage().contains("at least 16x16"), e.getMessage());
    }

    private static RunResult fit(Map<String, Object> config, long seed) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return new ProtoNetLearner()
                    .fit(TestRunContext.simple(m, seed), SCHEMA.bind(config, "t"), TASK);
        }
    }
}

package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.ModelWeights;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;
import org.metaforge.sdk.testkit.LearnerConformance;
import org.metaforge.sdk.testkit.SyntheticImages;
import org.metaforge.sdk.testkit.TestRunContext;

class SgdLearnerTest {

    private static final LabeledImages TRAIN =
            SyntheticImages.bands("bands/train", 400, 4, 12, 12, 1);
    private static final LabeledImages TEST =
            SyntheticImages.bands("bands/test", 200, 4, 12, 12, 2);
    private static final Task TASK = new Task(TRAIN, TEST, "test");
    private static final ConfigSchema<SgdConfig> SCHEMA = ConfigSchema.of(SgdConfig.class);

    private static Map<String, Object> mlp(int epochs) {
        Map<String, Object> c = new HashMap<>();
        c.put("model", "mlp");
        c.put("hidden", List.of(16));
        c.put("epochs", epochs);
        c.put("batch-size", 32);
        c.put("lr", List.of(0.1));
        return c;
    }

    @Test
    void conformsAndLearnsAnEasyTask() {
        RunResult r = LearnerConformance.check(new SgdLearner(), mlp(3), TASK);
        // Four classes: chance is 0.25; the bands are separable.
        assertTrue(r.metric("test_accuracy") > 0.9, "accuracy " + r.metric("test_accuracy"));
        assertEquals(3, r.plots().get("accuracy").series().get(0).x().length);
    }

    @Test
    void savesTheTrainedModelAsAnArtefactThatReproducesItsTestAccuracy() {
        Map<String, Object> c = mlp(2);
        c.put("model", "lenet");
        c.put("batch-norm", true);
        c.put("lr", List.of(0.05));
        LabeledImages train = SyntheticImages.bands("b28", 256, 4, 28, 28, 3);
        LabeledImages test = SyntheticImages.bands("b28t", 128, 4, 28, 28, 4);
        SgdConfig config = SCHEMA.bind(c, "t");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TestRunContext ctx = TestRunContext.simple(m, 5);
            RunResult r = new SgdLearner().fit(ctx, config, new Task(train, test, "test"));
            byte[] bytes =
                    ctx.artifacts()
                            .load(TestRunContext.RUN_KEY, SgdLearner.MODEL_ARTIFACT)
                            .orElseThrow();
            ModelWeights saved = ModelWeights.decode(m, bytes, "test");
            // The batch-norm running statistics travel with the weights: evaluation mode needs
            // them, so the reloaded model scores exactly what the run reported.
            assertTrue(saved.state().names().iterator().hasNext());
            FunctionalModel model =
                    config.model()
                            .build(
                                    train.sampleShape(),
                                    train.numClasses(),
                                    config.hidden(),
                                    config.batchNorm(),
                                    config.wrnDepth(),
                                    config.wrnWiden());
            SgdLearner.TrainingState s =
                    new SgdLearner.TrainingState(
                            saved.weights(),
                            saved.weights().zerosLike(),
                            saved.state(),
                            0,
                            new java.util.ArrayList<>());
            try (LabeledImages.Tensors data = test.upload(m)) {
                double[] lossAcc = SgdLearner.evaluate(model, s, data, test.size(), 64, m);
                assertEquals(r.metric("test_accuracy"), lossAcc[1], 0.0);
                assertEquals(r.metric("test_loss"), lossAcc[0], 1e-6);
            }
        }
    }

    @Test
    void lenetTrainsOnImages() {
        Map<String, Object> c = mlp(2);
        c.put("model", "lenet");
        c.put("batch-norm", true);
        c.put("lr", List.of(0.05));
        LabeledImages train = SyntheticImages.bands("b28", 256, 4, 28, 28, 3);
        LabeledImages test = SyntheticImages.bands("b28t", 128, 4, 28, 28, 4);
        RunResult r = LearnerConformance.check(new SgdLearner(), c, new Task(train, test, "test"));
        // LeNet-5 with batch-norm has 61,750 parameters for 10 classes; 4 classes drop 6 x 85.
        assertEquals(61_750 - 6 * 85, r.metric("parameters"));
        assertTrue(r.metric("test_accuracy") > 0.5, "accuracy " + r.metric("test_accuracy"));
    }

    @Test
    void wideResNetTrainsAndRejectsDepthsThatAreNotSixNPlusFour() {
        Map<String, Object> c = mlp(1);
        c.put("model", "wrn");
        c.put("wrn-depth", 10);
        c.put("lr", List.of(0.05));
        RunResult r = LearnerConformance.check(new SgdLearner(), c, TASK);
        // WRN-10-1, 1 input channel, 4 classes, by hand: stem 3x3x1x16 = 144; group 1 (identity)
        // 2x16 + 2304 + 2x16 + 2304 = 4672; group 2 2x16 + 4608 + 2x32 + 9216 + 1x1 16x32 = 14432;
        // group 3 2x32 + 18432 + 2x64 + 36864 + 32x64 = 57536; final bn 128; fc 64x4 + 4 = 260.
        assertEquals(144 + 4672 + 14432 + 57536 + 128 + 260, r.metric("parameters"));
        c.put("wrn-depth", 12);
        ConfigException e = assertThrows(ConfigException.class, () -> SCHEMA.bind(c, "t"));
        assertTrue(e.getMessage().contains("'wrn-depth': 12 is not 6n + 4"), e.getMessage());
    }

    @Test
    void piecewiseBlocksSplitTheStepsEvenly() {
        // Hand-computed: 3 values over 12 steps -> steps 0-3, 4-7, 8-11.
        List<Double> v = List.of(1.0, 2.0, 3.0);
        double[] got = new double[12];
        for (int t = 0; t < 12; t++) {
            got[t] = ScheduleKind.piecewise(v, t, 12);
        }
        assertArrayEquals(new double[] {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}, got);
        assertEquals(3.0, ScheduleKind.piecewise(v, 10, 11));
        assertEquals(1.0, ScheduleKind.cosine(1.0, 0, 10), 1e-15);
        assertEquals(0.5, ScheduleKind.cosine(1.0, 5, 10), 1e-15);
    }

    @Test
    void rejectsCosineWithSeveralValuesAndOutOfRangeMomentum() {
        Map<String, Object> c = mlp(1);
        c.put("schedule", "cosine");
        c.put("lr", List.of(0.1, 0.2));
        c.put("momentum", List.of(1.2));
        ConfigException e = assertThrows(ConfigException.class, () -> SCHEMA.bind(c, "test"));
        assertTrue(e.getMessage().contains("'momentum': 1.2 is out of range"), e.getMessage());
        Map<String, Object> c2 = mlp(1);
        c2.put("schedule", "cosine");
        c2.put("lr", List.of(0.1, 0.2));
        ConfigException e2 = assertThrows(ConfigException.class, () -> SCHEMA.bind(c2, "test"));
        assertTrue(
                e2.getMessage().contains("cosine schedule takes one peak value"), e2.getMessage());
    }

    @Test
    void divergenceIsAClearFailure() {
        Map<String, Object> c = mlp(1);
        c.put("lr", List.of(100.0));
        c.put("momentum", List.of(0.999));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            RunFailedException e =
                    assertThrows(
                            RunFailedException.class,
                            () ->
                                    new SgdLearner()
                                            .fit(
                                                    TestRunContext.simple(m, 1),
                                                    SCHEMA.bind(c, "t"),
                                                    TASK));
            assertTrue(e.getMessage().contains("diverged"), e.getMessage());
        }
    }

    @Test
    void resumesFromItsEpochCheckpointWithIdenticalResults() {
        SgdConfig three = SCHEMA.bind(mlp(3), "t");
        RunResult straight;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            straight = new SgdLearner().fit(TestRunContext.simple(m, 9), three, TASK);
        }
        // A run that stops after two epochs leaves the checkpoint a killed 3-epoch run would have.
        Map<String, byte[]> checkpoints = new HashMap<>();
        Map<String, Object> twoEpochs = mlp(3);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TestRunContext ctx =
                    new TestRunContext(m, 9, new FirstOrderAutodiff(), null, checkpoints);
            StoppingContext stop = new StoppingContext(ctx, 2 * (400 / 32 + 1));
            assertThrows(
                    java.util.concurrent.CancellationException.class,
                    () -> new SgdLearner().fit(stop, SCHEMA.bind(twoEpochs, "t"), TASK));
        }
        RunResult resumed;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TestRunContext ctx =
                    new TestRunContext(m, 9, new FirstOrderAutodiff(), null, checkpoints);
            resumed = new SgdLearner().fit(ctx, three, TASK);
            assertTrue(ctx.infos().get(0).contains("after epoch 2"), ctx.infos().toString());
        }
        assertEquals(straight.metrics(), resumed.metrics());
    }

    @Test
    void trainingInRungsFromSavedStatesEqualsTrainingStraight() {
        // LeNet with batch-norm and momentum: weights, momentum buffer and running statistics must
        // all travel from rung to rung for the final weights to match bit for bit.
        Map<String, Object> c = mlp(3);
        c.put("model", "lenet");
        c.put("batch-norm", true);
        c.put("lr", List.of(0.05, 0.02, 0.01));
        c.put("batch-size", 64);
        LabeledImages train = SyntheticImages.bands("r28", 192, 4, 28, 28, 5);
        LabeledImages test = SyntheticImages.bands("r28t", 64, 4, 28, 28, 6);
        Task task = new Task(train, test, "test");
        InMemoryTrials.Store store = new InMemoryTrials.Store();
        InMemoryTrials trials =
                new InMemoryTrials(store, Map.of("baselines/sgd", new SgdLearner()), -1);
        Trials.TrialResult straight = trials.run("baselines/sgd", c, task, 7);
        String previous = "none";
        Trials.TrialResult rung = null;
        for (int epochs = 1; epochs <= 3; epochs++) {
            Map<String, Object> r = new HashMap<>(c);
            r.put("epochs", epochs);
            r.put("horizon-epochs", 3);
            r.put("continue-from", previous);
            rung = trials.run("baselines/sgd", r, task, 7);
            previous = rung.key();
        }
        assertEquals(4, store.computed);
        assertEquals(straight.result().metrics(), rung.result().metrics());
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ModelWeights a = model(m, store, straight.key());
            ModelWeights b = model(m, store, rung.key());
            assertArrayEquals(a.weights().toFloatArray(), b.weights().toFloatArray());
            for (String name : a.state().names()) {
                assertArrayEquals(
                        a.state().get(name).toFloatArray(), b.state().get(name).toFloatArray());
            }
        }
        // A run of 3 epochs over its own horizon leaves no state to continue; a prefix does.
        assertTrue(!store.artifacts.containsKey(straight.key() + "/training-state"));
    }

    @Test
    void refusesToContinueATrialOfADifferentRun() {
        InMemoryTrials.Store store = new InMemoryTrials.Store();
        InMemoryTrials trials =
                new InMemoryTrials(store, Map.of("baselines/sgd", new SgdLearner()), -1);
        Map<String, Object> first = mlp(1);
        first.put("horizon-epochs", 2);
        String key = trials.run("baselines/sgd", first, TASK, 3).key();
        Map<String, Object> other = mlp(2);
        other.put("lr", List.of(0.2));
        other.put("continue-from", key);
        RunFailedException e =
                assertThrows(
                        RunFailedException.class,
                        () -> trials.run("baselines/sgd", other, TASK, 3));
        assertTrue(e.getMessage().contains("trained a different run"), e.getMessage());
        Map<String, Object> missing = mlp(2);
        missing.put("continue-from", "0123abcd");
        RunFailedException e2 =
                assertThrows(
                        RunFailedException.class,
                        () -> trials.run("baselines/sgd", missing, TASK, 3));
        assertTrue(e2.getMessage().contains("holds no training state"), e2.getMessage());
        Map<String, Object> shortHorizon = mlp(3);
        shortHorizon.put("horizon-epochs", 2);
        ConfigException e3 =
                assertThrows(ConfigException.class, () -> SCHEMA.bind(shortHorizon, "t"));
        assertTrue(
                e3.getMessage().contains("'horizon-epochs': 2 is below epochs"), e3.getMessage());
    }

    private static ModelWeights model(NDManager m, InMemoryTrials.Store store, String key) {
        return ModelWeights.decode(
                m, store.artifacts.get(key + "/" + SgdLearner.MODEL_ARTIFACT), "trial " + key);
    }
}

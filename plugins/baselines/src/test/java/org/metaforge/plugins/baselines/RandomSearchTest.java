package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.metric.SearchCurve;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials;
import org.metaforge.sdk.testkit.ComponentConformance;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;
import org.metaforge.sdk.testkit.SyntheticImages;
import org.metaforge.sdk.testkit.TestRunContext;

class RandomSearchTest {

    private static final ConfigSchema<RandomSearchConfig> SCHEMA =
            ConfigSchema.of(RandomSearchConfig.class);
    private static final LabeledImages TRAIN = SyntheticImages.bands("t", 200, 4, 8, 8, 1);
    private static final LabeledImages TEST = SyntheticImages.bands("e", 80, 4, 8, 8, 2);

    @Test
    void conforms() {
        ComponentConformance.check(new RandomSearch());
    }

    @Test
    void samplesInsideTheRangesLogUniformly() {
        RandomSearchConfig c = SCHEMA.bind(Map.of("lr-range", List.of(1e-4, 1.0)), "t");
        Random rng = new Random(3);
        int below = 0;
        for (int i = 0; i < 4000; i++) {
            Map<String, Object> s = RandomSearch.sample(c, rng);
            double lr = (Double) ((List<?>) s.get("lr")).get(0);
            double mu = (Double) ((List<?>) s.get("momentum")).get(0);
            assertTrue(lr >= 1e-4 && lr <= 1.0, "lr " + lr);
            assertTrue(mu >= 0 && mu <= 0.99, "momentum " + mu);
            below += lr < 1e-2 ? 1 : 0;
        }
        // log-uniform over 4 decades: half the mass is below 1e-2 (uniform would put 1% there)
        assertEquals(0.5, below / 4000.0, 0.04);
    }

    /**
     * A sampled configuration is recorded (best_config) by whichever process ran the search, so its
     * keys come in one order everywhere: the learner config's sorted, then the sampled ones. (The
     * bound config's map iterates in an order that differs from JVM to JVM.)
     */
    @Test
    void sampledConfigurationsListTheirKeysInAFixedOrder() {
        RandomSearchConfig c =
                SCHEMA.bind(
                        Map.of(
                                "learner-config",
                                Map.of(
                                        "model",
                                        "mlp",
                                        "hidden",
                                        List.of(32),
                                        "epochs",
                                        3,
                                        "batch-size",
                                        256)),
                        "t");
        assertEquals(
                List.of(
                        "batch-size",
                        "epochs",
                        "hidden",
                        "model",
                        "lr",
                        "momentum",
                        "weight-decay"),
                new ArrayList<>(RandomSearch.sample(c, new Random(1)).keySet()));
    }

    @Test
    void rejectsInvertedRanges() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> SCHEMA.bind(Map.of("momentum-range", List.of(0.9, 0.1)), "t"));
        assertTrue(
                e.getMessage().contains("'momentum-range': low 0.9 is above high 0.1"),
                e.getMessage());
    }

    @Test
    void keepsTheBestTrialAndRetrainsItOnTheFullTrainingSet() {
        List<Map<String, Object>> seen = new ArrayList<>();
        List<Task> tasks = new ArrayList<>();
        // A fake learner whose validation accuracy peaks at lr = 0.05.
        Trials trials =
                (id, config, task, seed) -> {
                    seen.add(config);
                    tasks.add(task);
                    double lr = (Double) ((List<?>) config.get("lr")).get(0);
                    double acc = 1 - Math.abs(Math.log(lr / 0.05)) / 10;
                    return new Trials.TrialResult(
                            RunResult.builder().metric(task.evalName() + "_accuracy", acc).build(),
                            false,
                            "k");
                };
        RandomSearchConfig c =
                SCHEMA.bind(Map.of("trials", 12, "learner-config", Map.of("epochs", 3)), "t");
        Task task = new Task(TRAIN, TEST, "test");
        RunResult r;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            r =
                    new RandomSearch()
                            .optimize(
                                    new TestRunContext(
                                            m,
                                            4,
                                            new FirstOrderAutodiff(),
                                            trials,
                                            new HashMap<>()),
                                    c,
                                    task);
        }
        assertEquals(13, seen.size(), "12 trials and one retraining");
        int best = 0;
        for (int i = 1; i < 12; i++) {
            if (score(seen.get(i)) > score(seen.get(best))) {
                best = i;
            }
        }
        assertEquals(best + 1, (int) r.metric("best_trial"));
        assertEquals(seen.get(best), seen.get(12), "the retraining uses the best configuration");
        assertSame(task, tasks.get(12), "the retraining uses the full task");
        assertEquals("validation", tasks.get(0).evalName());
        assertEquals(180, tasks.get(0).train().size(), "10% of 200 held out");
        assertTrue(r.metrics().containsKey("test_accuracy"));
        // The compute curve: 3 epochs per trial, the running best after each.
        assertEquals(36.0, r.metric("epochs_spent"));
        Plot.Series curve = r.plots().get(SearchCurve.PLOT).series().get(0);
        assertEquals(3.0, curve.x()[0]);
        assertEquals(36.0, curve.x()[11]);
        assertEquals(r.metric("best_validation_accuracy"), curve.y()[11]);
        for (int i = 1; i < 12; i++) {
            assertTrue(curve.y()[i] >= curve.y()[i - 1]);
        }
        assertEquals(1 - Math.abs(Math.log(lr(seen.get(0)) / 0.05)) / 10, curve.y()[0], 1e-12);
    }

    private static double lr(Map<String, Object> cfg) {
        return (Double) ((List<?>) cfg.get("lr")).get(0);
    }

    private static double score(Map<String, Object> cfg) {
        double lr = (Double) ((List<?>) cfg.get("lr")).get(0);
        return -Math.abs(Math.log(lr / 0.05));
    }
}

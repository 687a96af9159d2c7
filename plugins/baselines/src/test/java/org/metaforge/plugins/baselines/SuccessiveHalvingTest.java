package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.metric.SearchCurve;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Seeds;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials;
import org.metaforge.sdk.testkit.ComponentConformance;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;
import org.metaforge.sdk.testkit.SyntheticImages;
import org.metaforge.sdk.testkit.TestRunContext;

class SuccessiveHalvingTest {

    private static final ConfigSchema<SuccessiveHalvingConfig> SCHEMA =
            ConfigSchema.of(SuccessiveHalvingConfig.class);
    private static final LabeledImages TRAIN = SyntheticImages.bands("t", 200, 4, 8, 8, 1);
    private static final LabeledImages TEST = SyntheticImages.bands("e", 80, 4, 8, 8, 2);

    @Test
    void conforms() {
        ComponentConformance.check(new SuccessiveHalving());
    }

    @Test
    void budgetsGrowByEtaUntilTheMaximumOrTheLastConfiguration() {
        assertEquals(List.of(1, 2, 4, 8), SuccessiveHalving.budgets(config(16, 1, 8, 2)));
        // 27 configurations, eta 3: 27 at 1 epoch, 9 at 3, 3 at 9
        assertEquals(List.of(1, 3, 9), SuccessiveHalving.budgets(config(27, 1, 9, 3)));
        // 4 configurations run out before the maximum: 4 at 1, 2 at 2, the last one at 4
        assertEquals(List.of(1, 2, 4), SuccessiveHalving.budgets(config(4, 1, 8, 2)));
        // the maximum caps the last rung
        assertEquals(List.of(2, 4, 5), SuccessiveHalving.budgets(config(16, 2, 5, 2)));
    }

    @Test
    void rejectsRungKeysInTheLearnerConfigAndInvertedBudgets() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                SCHEMA.bind(
                                        Map.of(
                                                "learner-config",
                                                Map.of("epochs", 3),
                                                "min-epochs",
                                                4,
                                                "max-epochs",
                                                2,
                                                "momentum-range",
                                                List.of(0.9, 0.1)),
                                        "t"));
        assertTrue(e.getMessage().contains("sets 'epochs', which each rung sets"), e.getMessage());
        assertTrue(
                e.getMessage().contains("'min-epochs': 4 is above max-epochs 2"), e.getMessage());
        assertTrue(
                e.getMessage().contains("'momentum-range': low 0.9 is above high 0.1"),
                e.getMessage());
    }

    @Test
    void keepsTheBestHalfAndContinuesEachFromItsOwnPreviousRung() {
        List<Map<String, Object>> seen = new ArrayList<>();
        List<Task> tasks = new ArrayList<>();
        // A fake learner: accuracy peaks at lr 0.05 and grows a little with the epochs.
        Trials trials =
                (id, cfg, task, seed) -> {
                    seen.add(cfg);
                    tasks.add(task);
                    double acc = score(cfg) + 0.001 * ((Number) cfg.get("epochs")).intValue();
                    return new Trials.TrialResult(
                            RunResult.builder().metric(task.evalName() + "_accuracy", acc).build(),
                            false,
                            "key" + seen.size());
                };
        SuccessiveHalvingConfig c = config(16, 1, 8, 2);
        Task task = new Task(TRAIN, TEST, "test");
        RunResult r;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            r =
                    new SuccessiveHalving()
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
        assertEquals(16 + 8 + 4 + 2 + 1, seen.size(), "four rungs and one retraining");
        // The first rung samples exactly random search's configurations for the same seed.
        Seeds seeds = new Seeds(4);
        for (int i = 0; i < 16; i++) {
            Map<String, Object> rs = RandomSearch.sample(c.space(), seeds.random("trial", i));
            assertEquals(rs.get("lr"), seen.get(i).get("lr"));
            assertEquals(1, seen.get(i).get("epochs"));
            assertEquals(8, seen.get(i).get("horizon-epochs"));
            assertEquals("none", seen.get(i).get("continue-from"));
        }
        int from = 0;
        int[] sizes = {16, 8, 4, 2};
        int[] budgets = {1, 2, 4, 8};
        List<Map<String, Object>> previous = null;
        for (int k = 0; k < 4; k++) {
            List<Map<String, Object>> rung = seen.subList(from, from + sizes[k]);
            for (Map<String, Object> cfg : rung) {
                assertEquals(budgets[k], cfg.get("epochs"));
                assertEquals(8, cfg.get("horizon-epochs"));
            }
            if (previous != null) {
                // Survivors are the best half of the previous rung, each continuing its own trial.
                List<Map<String, Object>> best = new ArrayList<>(previous);
                best.sort(Comparator.comparingDouble(x -> -score(x)));
                for (int j = 0; j < rung.size(); j++) {
                    Map<String, Object> cfg = rung.get(j);
                    int p = previous.indexOf(best.get(j));
                    assertEquals(best.get(j).get("lr"), cfg.get("lr"));
                    assertEquals(
                            "key" + (from - previous.size() + p + 1), cfg.get("continue-from"));
                }
            }
            previous = rung;
            from += sizes[k];
        }
        // compute: 16 x 1 + 8 x (2 - 1) + 4 x (4 - 2) + 2 x (8 - 4) epochs; random search: 16 x 8
        assertEquals(40.0, r.metric("epochs_spent"));
        assertEquals(128.0, r.metric("full_budget_epochs"));
        Plot.Series curve = r.plots().get(SearchCurve.PLOT).series().get(0);
        assertEquals(40.0, curve.x()[curve.x().length - 1]);
        double bestScore = seen.subList(0, 16).stream().mapToDouble(x -> score(x)).max().orElse(0);
        assertEquals(bestScore + 0.008, r.metric("best_validation_accuracy"), 1e-12);
        Map<String, Object> retrain = seen.get(30);
        assertEquals(8, retrain.get("epochs"));
        assertTrue(!retrain.containsKey("continue-from") && !retrain.containsKey("horizon-epochs"));
        assertSame(task, tasks.get(30));
        assertEquals("validation", tasks.get(0).evalName());
        assertEquals(30, ((List<?>) r.artifacts().get("rungs")).size());
        assertTrue(
                r.events()
                        .contains(
                                "the test metrics are the best configuration's, retrained for 8 epochs on"
                                        + " the full training set"),
                r.events().toString());
    }

    @Test
    void anInterruptedSearchResumesAndEndsWithTheSameResult() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("learner-config", Map.of("model", "mlp", "hidden", List.of(16), "batch-size", 32));
        raw.put("trials", 4);
        raw.put("min-epochs", 1);
        raw.put("max-epochs", 4);
        raw.put("lr-range", List.of(0.01, 0.5));
        SuccessiveHalvingConfig c = SCHEMA.bind(raw, "t");
        Task task = new Task(TRAIN, TEST, "test");
        InMemoryTrials.Store fresh = new InMemoryTrials.Store();
        RunResult straight = search(c, task, fresh, -1);
        // 180 training samples in batches of 32: 6 steps (cancellation checks) per epoch. Rungs
        // 1 and 2 take 4 + 2 epochs; the last rung continues one configuration from epoch 2 to 4
        // and is stopped inside its 4th epoch, after its epoch-3 checkpoint.
        InMemoryTrials.Store store = new InMemoryTrials.Store();
        assertThrows(CancellationException.class, () -> search(c, task, store, 6 * 6 + 6 + 2));
        assertEquals(6, store.computed, "rungs 1 and 2 finished before the stop");
        RunResult resumed = search(c, task, store, -1);
        assertEquals(straight.metrics(), resumed.metrics());
        assertEquals(straight.artifacts(), resumed.artifacts());
        assertEquals(fresh.computed, store.computed, "no trial was computed twice");
        assertEquals(4 + 2 + 1 + 1, store.computed);
        assertEquals(4 + 2 + 2, resumed.metric("epochs_spent"));
    }

    private static RunResult search(
            SuccessiveHalvingConfig c, Task task, InMemoryTrials.Store store, int cancelAfter) {
        InMemoryTrials trials =
                new InMemoryTrials(store, Map.of("baselines/sgd", new SgdLearner()), cancelAfter);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return new SuccessiveHalving()
                    .optimize(
                            new TestRunContext(
                                    m, 11, new FirstOrderAutodiff(), trials, new HashMap<>()),
                            c,
                            task);
        }
    }

    private static SuccessiveHalvingConfig config(int n, int r0, int max, int eta) {
        return SCHEMA.bind(
                Map.of("trials", n, "min-epochs", r0, "max-epochs", max, "eta", eta), "t");
    }

    private static double score(Map<String, Object> cfg) {
        double lr = (Double) ((List<?>) cfg.get("lr")).get(0);
        return 1 - Math.abs(Math.log(lr / 0.05)) / 10;
    }
}

package org.metaforge.plugins.ldeq.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metaforge.plugins.ldeq.training.LdeqConfig;
import org.metaforge.plugins.ldeq.training.LdeqLearner;
import org.metaforge.plugins.ldeq.training.LdeqLearnerTest;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.testkit.ComponentConformance;
import org.metaforge.sdk.testkit.TestRunContext;

class RwrEvaluatorTest {

    @Test
    void conforms() {
        ComponentConformance.check(new RwrEvaluator());
    }

    @Test
    void evaluatesASavedModelOnVideos() {
        Map<String, Object> model = LdeqLearnerTest.tiny();
        model.put("steps", 1);
        model.put("solver-race-faces", 0);
        try (NDManager m = NDManager.newBaseManager()) {
            TestRunContext ctx = LdeqLearnerTest.context(m, new HashMap<>());
            new LdeqLearner()
                    .fit(ctx, ConfigSchema.of(LdeqConfig.class).bind(model, "model"), null);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("model-key", TestRunContext.RUN_KEY);
            c.put("model-config", model);
            c.put("videos", 1);
            c.put("validation-videos", 1);
            c.put("video-frames", 3);
            RwrConfig config = ConfigSchema.of(RwrConfig.class).bind(c, "rwr");
            RunResult r = new RwrEvaluator().fit(ctx, config, null);
            for (String kind : new String[] {"easy", "hard"}) {
                for (String method :
                        new String[] {
                            "per_frame",
                            "per_frame_ema",
                            "per_frame_one_euro",
                            "rwr_warm_start",
                            "rwr_constrained"
                        }) {
                    double nmf = r.metric("video_" + kind + "_" + method + "_nmf");
                    assertTrue(nmf > 0 && Double.isFinite(nmf), kind + " " + method + " " + nmf);
                }
            }
            // the ground truth and five methods
            assertEquals(6, r.plots().get("rwr_trajectory").series().size());
            // (the test context binds one solver whatever the budget, so evaluation counts of
            // RwR and per-frame inference are not compared here)
            assertTrue(r.metric("video_mean_evaluations_rwr") >= 1);

            Map<String, Object> wrong = new LinkedHashMap<>(model);
            wrong.put("cell-width", 12);
            c.put("model-config", wrong);
            RwrConfig mismatched = ConfigSchema.of(RwrConfig.class).bind(c, "rwr");
            RunFailedException e =
                    assertThrows(
                            RunFailedException.class,
                            () -> new RwrEvaluator().fit(ctx, mismatched, null));
            assertTrue(e.getMessage().contains("parameters"), e.getMessage());
        }
    }
}

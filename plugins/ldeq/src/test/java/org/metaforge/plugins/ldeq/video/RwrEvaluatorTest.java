package org.metaforge.plugins.ldeq.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.metaforge.plugins.ldeq.drawing.LandmarkSheet;
import org.metaforge.plugins.ldeq.training.LdeqConfig;
import org.metaforge.plugins.ldeq.training.LdeqLearner;
import org.metaforge.plugins.ldeq.training.LdeqLearnerTest;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Trials;
import org.metaforge.sdk.testkit.ComponentConformance;
import org.metaforge.sdk.testkit.TestRunContext;

class RwrEvaluatorTest {

    @Test
    void conforms() {
        ComponentConformance.check(new RwrEvaluator());
    }

    @Test
    void evaluatesTheModelOfAnLdeqTrialOnVideos() throws Exception {
        Map<String, Object> model = LdeqLearnerTest.tiny();
        model.put("steps", 1);
        model.put("solver-race-faces", 0);
        List<String> asked = new ArrayList<>();
        TestRunContext[] ctx = new TestRunContext[1];
        // Trials train ldeq/ldeq in this context, so its model lands under the context's key.
        Trials trials =
                (id, config, task, seed) -> {
                    asked.add(id + " " + config + " seed " + seed);
                    RunResult trained =
                            new LdeqLearner()
                                    .fit(
                                            ctx[0],
                                            ConfigSchema.of(LdeqConfig.class).bind(config, "model"),
                                            task);
                    return new Trials.TrialResult(trained, false, TestRunContext.RUN_KEY);
                };
        try (NDManager m = NDManager.newBaseManager()) {
            ctx[0] = LdeqLearnerTest.context(m, new HashMap<>(), trials);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("model-config", model);
            c.put("videos", 1);
            c.put("validation-videos", 1);
            c.put("video-frames", 3);
            RwrConfig config = ConfigSchema.of(RwrConfig.class).bind(c, "rwr");
            RunResult r = new RwrEvaluator().fit(ctx[0], config, null);
            assertEquals(List.of("ldeq/ldeq " + model + " seed 7"), asked);
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
            // The trade-off sweep (default gammas 0, 0.5, ..., 5): gamma 0 is warm start and the
            // spec's gamma (0.5) is the table's constrained RwR, run again with the same result.
            assertEquals(
                    r.metric("video_hard_rwr_warm_start_nme"),
                    r.metric("video_hard_frontier_gamma_0p0_rwr_nme"));
            assertEquals(
                    r.metric("video_hard_rwr_constrained_nmf"),
                    r.metric("video_hard_frontier_gamma_0p5_rwr_nmf"));
            // and the sweep's own gamma reaches the solve: gamma 5 pulls harder than 0.5
            assertNotEquals(
                    r.metric("video_hard_frontier_gamma_0p5_rwr_nmf"),
                    r.metric("video_hard_frontier_gamma_5p0_rwr_nmf"));
            assertEquals(4, r.plots().get("rwr_frontier").series().size());
            assertTrue(
                    r.artifacts().get("rwr_frontier_table").toString().contains("| 5.0 |"),
                    r.artifacts().get("rwr_frontier_table").toString());
            // (the test context binds one solver whatever the budget, so evaluation counts of
            // RwR and per-frame inference are not compared here)
            assertTrue(r.metric("video_mean_evaluations_rwr") >= 1);
            // the frames of hard video 0 (all 3 here): per-frame row over RwR row
            BufferedImage frames =
                    ImageIO.read(
                            new ByteArrayInputStream(
                                    ctx[0].artifacts()
                                            .load(
                                                    TestRunContext.RUN_KEY,
                                                    VideoEvaluation.FRAMES_PICTURE)
                                            .orElseThrow()));
            int cell = 32 * LandmarkSheet.scaleFor(32);
            assertEquals(LandmarkSheet.PAD + 3 * (cell + LandmarkSheet.PAD), frames.getWidth());
            assertEquals(LandmarkSheet.PAD + 2 * (cell + LandmarkSheet.PAD), frames.getHeight());

            // Filters tuned to constrained RwR's validation NMF instead: only the filters' target
            // moves; the unfiltered methods give the same numbers.
            c.put("filter-target", "constrained");
            RunResult r2 =
                    new RwrEvaluator()
                            .fit(ctx[0], ConfigSchema.of(RwrConfig.class).bind(c, "rwr"), null);
            assertNotEquals(r.metric("validation_rwr_nmf"), r2.metric("validation_rwr_nmf"));
            for (String kind : new String[] {"easy", "hard"}) {
                for (String method :
                        new String[] {"per_frame", "rwr_warm_start", "rwr_constrained"}) {
                    String name = "video_" + kind + "_" + method + "_nme";
                    assertEquals(r.metric(name), r2.metric(name), name);
                }
            }
        }
    }

    @Test
    void sweepGammasAreSortedWithoutRepeats() {
        VideoEvaluation.Settings s =
                new VideoEvaluation.Settings(
                        1,
                        1,
                        2,
                        1,
                        0.5,
                        "solvers/anderson",
                        Map.of(),
                        VideoEvaluation.FilterTarget.WARM_START,
                        List.of(3.0, 0.0, 3.0, 1.0));
        assertEquals(List.of(0.0, 1.0, 3.0), s.frontierGammas());
    }

    @Test
    void picksTheWindowWherePredictionsFlickerMost() {
        // errors: steady, then a jump back and forth at frames 5 and 6, then steady
        double[][] truth = new double[10][2];
        double[][] predicted = new double[10][2];
        predicted[5][0] = 3;
        // frames 4, 5, 6 hold both jumps (5 - 4 and 6 - 5)
        assertEquals(4, VideoEvaluation.flickeriestWindow(predicted, truth, 3));
        assertEquals(0, VideoEvaluation.flickeriestWindow(predicted, truth, 10));
    }
}

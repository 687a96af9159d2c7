package org.metaforge.plugins.ldeq.video;

import java.util.List;
import java.util.Map;
import org.metaforge.sdk.config.Param;

/**
 * Configuration of {@code ldeq/rwr}: which trained model (by its training configuration), which
 * videos, which RwR settings.
 */
public record RwrConfig(
        @Param(
                        "the ldeq/ldeq training configuration; that model is trained once as a"
                                + " cached trial (or found in the store, e.g. from a run of the"
                                + " same spec) and its saved weights are used")
                Map<String, Object> modelConfig,
        @Param(
                        value = "synthetic test videos per kind (easy, hard)",
                        defaultValue = "8",
                        min = 1,
                        max = 100000)
                int videos,
        @Param(
                        value = "validation videos per kind, to tune the filters on",
                        defaultValue = "4",
                        min = 1,
                        max = 100000)
                int validationVideos,
        @Param(value = "frames per synthetic video", defaultValue = "40", min = 2, max = 100000)
                int videoFrames,
        @Param(
                        value = "solver iterations per frame under RwR",
                        defaultValue = "1",
                        min = 1,
                        max = 1000)
                int rwrIterations,
        @Param(
                        value = "proximity weight gamma of constrained RwR",
                        defaultValue = "0.5",
                        min = 0,
                        max = 100)
                double rwrGamma,
        @Param(
                        value = "the solver component for per-frame inference and RwR",
                        defaultValue = "solvers/anderson")
                String solver,
        @Param(value = "the solver's configuration for per-frame inference", defaultValue = "{}")
                Map<String, Object> solverConfig,
        @Param(
                        value =
                                "tune the filters to the validation NMF of warm-start or of"
                                        + " constrained RwR",
                        defaultValue = "warm-start")
                VideoEvaluation.FilterTarget filterTarget,
        @Param(
                        value =
                                "gammas of constrained RwR compared, on the hard test videos, with"
                                        + " every EMA and One-Euro setting at equal or lower NMF"
                                        + " (0 is warm start); [] for none",
                        defaultValue = "[0, 0.5, 1, 2, 3, 5]",
                        min = 0,
                        max = 100)
                List<Double> frontierGammas) {}

package org.metaforge.plugins.ldeq.training;

import java.util.Map;
import org.metaforge.plugins.ldeq.model.Architecture;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;

/**
 * Configuration of {@code ldeq/ldeq}: the network, the solver, training on synthetic stills and the
 * evaluation (stills, solver statistics, optionally RwR on synthetic videos).
 */
public record LdeqConfig(
        @Param(
                        value = "side of the square input images in pixels (4 x heatmap-size)",
                        defaultValue = "64",
                        min = 16,
                        max = 1024)
                int imageSize,
        @Param(value = "side of the square heatmaps", defaultValue = "16", min = 4, max = 256)
                int heatmapSize,
        @Param(
                        value = "channels of the stem's output, the injection (multiple of 4)",
                        defaultValue = "32",
                        min = 4,
                        max = 1024)
                int injectionWidth,
        @Param(
                        value = "channels of the hourglass's top level",
                        defaultValue = "32",
                        min = 1,
                        max = 1024)
                int cellWidth,
        @Param(
                        value = "channels added per hourglass level",
                        defaultValue = "8",
                        min = 0,
                        max = 1024)
                int widthIncrement,
        @Param(
                        value = "levels of the hourglass (heatmap-size divisible by 2^depth)",
                        defaultValue = "4",
                        min = 1,
                        max = 8)
                int hourglassDepth,
        @Param(value = "groups of every group-norm", defaultValue = "1", min = 1, max = 1024)
                int groups,
        @Param(
                        value = "softargmax sharpness beta of exp(beta (h - max h))",
                        defaultValue = "1",
                        min = 0,
                        minExclusive = true,
                        max = 1000)
                double beta,
        @Param(
                        value =
                                "implicit: solve then one tracked step; explicit: unrolled tracked iterations",
                        defaultValue = "implicit")
                Mode mode,
        @Param(
                        value =
                                "implicit backward: solve the linear system, or jacobian-free (u = g)",
                        defaultValue = "implicit")
                Backward backward,
        @Param(
                        value = "unrolled iterations in explicit mode",
                        defaultValue = "5",
                        min = 1,
                        max = 100)
                int explicitIterations,
        @Param(
                        value = "the solver component for the equilibrium and the backward system",
                        defaultValue = "solvers/anderson")
                String solver,
        @Param(value = "the solver's configuration (kebab-case keys)", defaultValue = "{}")
                Map<String, Object> solverConfig,
        @Param(
                        value = "loss on normalised landmark coordinates",
                        defaultValue = "l1",
                        oneOf = {"l1", "l2"})
                String loss,
        @Param(value = "training steps", defaultValue = "2000", min = 0, max = 10000000) int steps,
        @Param(value = "images per training step", defaultValue = "16", min = 1, max = 4096)
                int batchSize,
        @Param(
                        value = "Adam's peak learning rate (cosine schedule to zero)",
                        defaultValue = "0.001",
                        min = 0,
                        minExclusive = true,
                        max = 10)
                double lr,
        @Param(
                        value = "random zoom of training images: scale in [1 - s, 1 + s]",
                        defaultValue = "0.1",
                        min = 0,
                        max = 0.5)
                double scaleJitter,
        @Param(
                        value =
                                "random crop offset of training images, as a share of the image side",
                        defaultValue = "0.05",
                        min = 0,
                        max = 0.3)
                double shiftJitter,
        @Param(
                        value = "save a checkpoint every this many steps",
                        defaultValue = "100",
                        min = 1,
                        max = 10000000)
                int checkpointEvery,
        @Param(
                        value = "distinct synthetic training faces (augmented on the fly)",
                        defaultValue = "4000",
                        min = 1,
                        max = 10000000)
                int trainFaces,
        @Param(value = "synthetic still test faces", defaultValue = "200", min = 1, max = 1000000)
                int testFaces,
        @Param(value = "images per evaluation batch", defaultValue = "50", min = 1, max = 4096)
                int evalBatch,
        @Param(
                        value =
                                "relative residual that counts as converged in the reports and the solver comparison",
                        defaultValue = "0.005",
                        min = 0,
                        minExclusive = true,
                        max = 1)
                double residualTarget,
        @Param(
                        value =
                                "faces on which Anderson and fixed-point iteration race to residual-target",
                        defaultValue = "20",
                        min = 0,
                        max = 100000)
                int solverRaceFaces,
        @Param(
                        value =
                                "synthetic videos per kind (easy, hard) for RwR; 0 skips the video evaluation",
                        defaultValue = "0",
                        min = 0,
                        max = 100000)
                int videos,
        @Param(
                        value = "videos per kind to tune the filters on",
                        defaultValue = "4",
                        min = 1,
                        max = 100000)
                int validationVideos,
        @Param(value = "frames per synthetic video", defaultValue = "48", min = 2, max = 100000)
                int videoFrames,
        @Param(
                        value =
                                "solver iterations per frame for RwR (warm start from the previous frame)",
                        defaultValue = "2",
                        min = 1,
                        max = 1000)
                int rwrIterations,
        @Param(
                        value = "weight gamma of the proximity term of constrained RwR",
                        defaultValue = "0.5",
                        min = 0,
                        max = 100)
                double rwrGamma) {

    /** How the equilibrium is differentiated. */
    public enum Mode {
        /** Solve without a graph, then one tracked step and the implicit backward. */
        IMPLICIT,
        /** A fixed number of tracked iterations from zero. */
        EXPLICIT
    }

    /** How the implicit backward finds {@code u}. */
    public enum Backward {
        /** Solve {@code u = J^T u + g}. */
        IMPLICIT,
        /** {@code u = g} (Fung et al. 2022). */
        JACOBIAN_FREE
    }

    /** Checks what single fields cannot. */
    public LdeqConfig {
        ConfigProblems p = new ConfigProblems("config of ldeq/ldeq");
        try {
            architecture(
                    imageSize,
                    heatmapSize,
                    injectionWidth,
                    cellWidth,
                    widthIncrement,
                    hourglassDepth,
                    groups,
                    beta);
        } catch (IllegalArgumentException e) {
            p.add("heatmap-size", e.getMessage());
        }
        if (!solver.contains("/")) {
            p.add("solver", "a component id plugin/name such as solvers/anderson, got " + solver);
        }
        p.throwIfAny();
    }

    /** The network's shape for grey synthetic faces with the 98 WFLW landmarks. */
    public Architecture architecture() {
        return architecture(
                imageSize,
                heatmapSize,
                injectionWidth,
                cellWidth,
                widthIncrement,
                hourglassDepth,
                groups,
                beta);
    }

    private static Architecture architecture(
            int imageSize,
            int heatmapSize,
            int injectionWidth,
            int cellWidth,
            int widthIncrement,
            int hourglassDepth,
            int groups,
            double beta) {
        return new Architecture(
                1,
                imageSize,
                heatmapSize,
                98,
                injectionWidth,
                cellWidth,
                widthIncrement,
                hourglassDepth,
                groups,
                beta);
    }
}

package org.metaforge.plugins.ldeq.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.metaforge.plugins.ldeq.face.FaceGenerator;
import org.metaforge.plugins.ldeq.face.FaceImage;
import org.metaforge.plugins.ldeq.model.Convolution;
import org.metaforge.plugins.ldeq.model.LdeqNetwork;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.metric.ResidentMemory;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.solver.BoundSolver;

/**
 * Measures, in one process, at the spec's architecture: inference speed (milliseconds per image and
 * frames per second at batch 1 and 8) with each solver at a fixed number of cell evaluations,
 * against the floor the convolutions alone set, and the peak resident memory of training steps at 5
 * and at 20 solver iterations in implicit mode (no graph through the solver: flat) and with 5 and
 * 20 unrolled iterations in explicit mode (the graph holds every iteration: grows).
 */
final class LdeqBenchmark {

    /** Cell evaluations per inference solve, as the reference's figures (10 iterations). */
    private static final int INFERENCE_ITERATIONS = 10;

    private static final int[] BATCHES = {1, 8};
    private static final int WARMUP = 1;
    private static final int TRAIN_STEPS = 2;
    private static final ConfigSchema<LdeqConfig> SCHEMA = ConfigSchema.of(LdeqConfig.class);

    private LdeqBenchmark() {}

    static RunResult run(RunContext ctx, LdeqConfig c) {
        LdeqNetwork net = new LdeqNetwork(c.architecture());
        NDArray params = net.initialParameters(ctx.manager(), ctx.seeds().derive("init"));
        FaceGenerator generator = new FaceGenerator(LdeqLearner.faces(c));
        List<FaceImage> faces = generator.generate(ctx.seeds().derive("bench-faces"), 8);
        RunResult.Builder out = RunResult.builder();
        List<String> lines = new ArrayList<>();
        lines.add(
                String.format(
                        Locale.ROOT,
                        "ldeq/ldeq, %,d parameters, image %d, heatmaps %d x %d x %d, inference at"
                                + " %d cell evaluations (tolerances 0)",
                        net.parameterCount(),
                        c.imageSize(),
                        net.architecture().landmarks(),
                        c.heatmapSize(),
                        c.heatmapSize(),
                        INFERENCE_ITERATIONS));
        Map<String, String> solvers = new LinkedHashMap<>();
        solvers.put("fixed_point", "solvers/fixed-point");
        solvers.put("anderson", "solvers/anderson");
        solvers.put("broyden", "solvers/broyden");
        // The floor is timed right before each solver's measurement at the same batch, so that
        // both see the machine in the same state (on a shared machine its speed drifts over
        // minutes); the convolutions' line reports the lowest of the three.
        double[] floor = new double[BATCHES.length];
        Arrays.fill(floor, Double.POSITIVE_INFINITY);
        List<String> solverLines = new ArrayList<>();
        for (Map.Entry<String, String> e : solvers.entrySet()) {
            BoundSolver solver = ctx.solver(e.getValue(), exactly(INFERENCE_ITERATIONS));
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-12s", e.getKey()));
            for (int b = 0; b < BATCHES.length; b++) {
                int batch = BATCHES[b];
                double adjacent = convolutionFloorMs(ctx, net, batch);
                floor[b] = Math.min(floor[b], adjacent);
                double ms = inferenceMs(ctx, net, params, solver, faces.subList(0, batch));
                out.metric(e.getKey() + "_ms_per_image_batch" + batch, ms)
                        .metric(e.getKey() + "_fps_batch" + batch, 1000 / ms)
                        .metric(e.getKey() + "_over_convolutions_batch" + batch, ms / adjacent);
                line.append(
                        String.format(
                                Locale.ROOT,
                                "  batch %d: %7.1f ms/image (%6.1f fps, %.2fx the convolutions)",
                                batch,
                                ms,
                                1000 / ms,
                                ms / adjacent));
            }
            solverLines.add(line.toString());
        }
        List<Convolution> convs = net.cellConvolutions();
        long macs = convs.stream().mapToLong(k -> k.macs(1)).sum();
        for (int b = 0; b < BATCHES.length; b++) {
            out.metric("convolution_floor_ms_per_image_batch" + BATCHES[b], floor[b]);
        }
        lines.add(
                String.format(
                        Locale.ROOT,
                        "%-12s  batch 1: %7.1f ms/image, batch 8: %7.1f ms/image: the cell's %d"
                                + " convolutions (%.3f GMAC per image and evaluation) timed one by"
                                + " one, times %d (%.1f and %.1f GMAC/s); each solver's multiple"
                                + " is of the floor timed just before it",
                        "convolutions",
                        floor[0],
                        floor[1],
                        convs.size(),
                        macs / 1e9,
                        INFERENCE_ITERATIONS,
                        INFERENCE_ITERATIONS * macs / floor[0] / 1e6,
                        INFERENCE_ITERATIONS * macs / floor[1] / 1e6));
        lines.addAll(solverLines);

        List<FaceImage> train =
                generator.generate(ctx.seeds().derive("bench-train"), 4 * c.batchSize());
        boolean reset = ResidentMemory.resetPeak();
        lines.add(
                String.format(
                        Locale.ROOT,
                        "training peak resident memory, batch %d, %d steps after %d warm-up, second"
                                + " of two rounds 5, 20%s:",
                        c.batchSize(),
                        TRAIN_STEPS,
                        WARMUP,
                        reset ? "" : " (peak not resettable here: running maxima)"));
        if (System.getenv("MALLOC_MMAP_THRESHOLD_") == null) {
            lines.add(
                    "  (MALLOC_MMAP_THRESHOLD_ is not set: glibc keeps freed memory resident, so a"
                            + " phase's peak includes what earlier phases freed; set it, e.g."
                            + " MALLOC_MMAP_THRESHOLD_=65536, for peaks of each phase alone)");
        }
        int[] iterations = {5, 20};
        for (String mode : List.of("implicit", "explicit")) {
            double[] mb = new double[2];
            // two rounds, the second reported: the first also measures the process warming up
            for (int round = 0; round < 2; round++) {
                for (int k = 0; k < 2; k++) {
                    Map<String, Object> over = new LinkedHashMap<>();
                    over.put("mode", mode);
                    over.put("explicit-iterations", iterations[k]);
                    over.put("solver-config", exactly(iterations[k]));
                    LdeqConfig variant = SCHEMA.bindWith(SCHEMA.toValues(c), over, "benchmark");
                    mb[k] = trainingPeakMb(ctx, variant, net, train);
                }
            }
            out.metric(mode + "_train_peak_mb_5", mb[0])
                    .metric(mode + "_train_peak_mb_20", mb[1])
                    .metric(mode + "_train_peak_ratio_20_5", mb[1] / mb[0]);
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "  %-8s  5 iterations %8.1f MB, 20 iterations %8.1f MB: ratio %.3f",
                            mode,
                            mb[0],
                            mb[1],
                            mb[1] / mb[0]));
        }
        lines.forEach(ctx::info);
        return out.artifact("lines", lines).build();
    }

    /**
     * A floor under inference: milliseconds per image that the cell's convolutions alone take over
     * {@link #INFERENCE_ITERATIONS} evaluations, each convolution timed on its own (seeded normal
     * input and weights of its shape, without bias, warmed up, best of three rounds). Nothing but
     * the cell's convolutions, so inference cannot be faster than this with this engine's
     * convolution kernels.
     */
    private static double convolutionFloorMs(RunContext ctx, LdeqNetwork net, int batch) {
        Random random = new Random(ctx.seeds().derive("convolution-floor"));
        double perEvaluation = 0;
        for (Convolution k : net.cellConvolutions()) {
            ctx.checkCancelled();
            try (NDManager m = ctx.manager().newSubManager()) {
                NDArray x = gaussian(m, new Shape(batch, k.in(), k.side(), k.side()), random);
                NDArray w = gaussian(m, new Shape(k.out(), k.in(), k.kernel(), k.kernel()), random);
                int repeats = 20;
                double best = Double.POSITIVE_INFINITY;
                for (int round = 0; round < 4; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < repeats; i++) {
                        LdeqNetwork.convolve(x, w, null, k.stride()).close();
                    }
                    // the first round warms up
                    if (round > 0) {
                        best = Math.min(best, (System.nanoTime() - t0) / 1e6 / repeats);
                    }
                }
                perEvaluation += best;
            }
        }
        return perEvaluation * INFERENCE_ITERATIONS / batch;
    }

    /** Standard normal values of {@code shape}, from {@code random}. */
    private static NDArray gaussian(NDManager m, Shape shape, Random random) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return m.create(values, shape);
    }

    /** A solver configuration that always takes {@code n} evaluations. */
    private static Map<String, Object> exactly(int n) {
        return Map.of("max-iterations", n, "rel-tolerance", 0, "abs-tolerance", 0);
    }

    private static double inferenceMs(
            RunContext ctx,
            LdeqNetwork net,
            NDArray params,
            BoundSolver solver,
            List<FaceImage> batch) {
        int repeats = batch.size() == 1 ? 5 : 2;
        for (int i = 0; i < WARMUP; i++) {
            LdeqLearner.predict(net, params, solver, batch);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            ctx.checkCancelled();
            LdeqLearner.predict(net, params, solver, batch);
        }
        return (System.nanoTime() - t0) / 1e6 / repeats / batch.size();
    }

    /** Peak resident memory in MB over training steps of {@code c}, after a warm-up step. */
    private static double trainingPeakMb(
            RunContext ctx, LdeqConfig c, LdeqNetwork net, List<FaceImage> train) {
        BoundSolver solver = ctx.solver(c.solver(), c.solverConfig());
        TrainingState s =
                new TrainingState(net.initialParameters(ctx.manager(), ctx.seeds().derive("init")));
        double[] evals = new double[2];
        for (int i = 0; i < WARMUP; i++) {
            LdeqLearner.step(ctx, c, net, solver, s, train, 1e-4, evals);
            s.step++;
        }
        ResidentMemory.resetPeak();
        for (int i = 0; i < TRAIN_STEPS; i++) {
            ctx.checkCancelled();
            LdeqLearner.step(ctx, c, net, solver, s, train, 1e-4, evals);
            s.step++;
        }
        long kb = ResidentMemory.peakKb();
        s.params.close();
        s.m.close();
        s.v.close();
        return kb / 1024.0;
    }
}

package org.metaforge.plugins.ldeq.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.metaforge.plugins.ldeq.drawing.LandmarkSheet;
import org.metaforge.plugins.ldeq.face.FaceGenerator;
import org.metaforge.plugins.ldeq.face.FaceGeneratorConfig;
import org.metaforge.plugins.ldeq.face.FaceImage;
import org.metaforge.plugins.ldeq.model.Equilibrium;
import org.metaforge.plugins.ldeq.model.Heatmaps;
import org.metaforge.plugins.ldeq.model.ImplicitBackward;
import org.metaforge.plugins.ldeq.model.LdeqNetwork;
import org.metaforge.plugins.ldeq.video.VideoEvaluation;
import org.metaforge.sdk.Benchmarked;
import org.metaforge.sdk.Learner;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.config.Validation;
import org.metaforge.sdk.metric.LandmarkMetrics;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.ModelWeights;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.solver.BoundSolver;
import org.metaforge.sdk.solver.FixedPointResult;
import org.pf4j.Extension;

/**
 * The landmark DEQ (Micaelli et al., CVPR 2023) trained on synthetic still faces.
 *
 * <p>It generates its own data from the run's seed (use it with {@code dataset: none}): training
 * faces, augmented by random crops and zooms, and still test faces. Training minimises an L1 or L2
 * loss on the landmark coordinates with Adam under a cosine schedule, differentiating through the
 * equilibrium implicitly (or through unrolled iterations in explicit mode), and checkpoints every
 * {@code checkpoint-every} steps. It reports NME (x100, inter-ocular 60-72), failure rate and AUC
 * at 0.1 on the test faces, the solver's residuals at the trained model, how many cell evaluations
 * Anderson and fixed-point iteration need to reach {@code residual-target}, and, with {@code videos
 * > 0}, the RwR video evaluation. The trained weights are the artefact {@value #MODEL_ARTIFACT};
 * {@value #STILLS_PICTURE} shows test faces with their ground-truth and predicted landmarks.
 */
@Extension
public class LdeqLearner implements Learner<LdeqConfig>, Benchmarked<LdeqConfig> {

    /** The artefact holding the trained weights ({@link ModelWeights}, empty state). */
    public static final String MODEL_ARTIFACT = "model";

    /** This component's id. */
    public static final String ID = "ldeq/ldeq";

    /** The binary artefact showing test faces with their landmarks drawn (PNG). */
    public static final String STILLS_PICTURE = "test-faces.png";

    /** How many test faces {@value #STILLS_PICTURE} shows. */
    static final int DRAWN_FACES = 8;

    /** A mean training loss above this (coordinates are in [0, 1]) means training blew up. */
    static final double DIVERGED_LOSS = 10;

    @Override
    public String name() {
        return "ldeq";
    }

    @Override
    public String description() {
        return "Landmark deep-equilibrium model (hourglass cell, softargmax heatmaps) trained on"
                + " synthetic still faces with implicit gradients; RwR inference on videos.";
    }

    @Override
    public boolean readsTaskData() {
        return false;
    }

    @Override
    public Class<LdeqConfig> configType() {
        return LdeqConfig.class;
    }

    @Override
    public void validate(LdeqConfig config, Validation validation) {
        validation.component("solver-config", config.solver(), config.solverConfig());
    }

    /** The face generator the config's image size implies (all factors on). */
    public static FaceGeneratorConfig faces(LdeqConfig config) {
        FaceGeneratorConfig d = FaceGeneratorConfig.defaults();
        return new FaceGeneratorConfig(
                config.imageSize(),
                config.imageSize(),
                1,
                d.minScale(),
                d.maxScale(),
                d.maxShift(),
                d.maxRollDegrees(),
                d.maxYaw(),
                d.expression(),
                d.lighting(),
                d.occlusionProbability(),
                d.blurProbability(),
                d.blurKind(),
                d.maxBlur(),
                d.maxNoise());
    }

    @Override
    public RunResult fit(RunContext ctx, LdeqConfig config, Task task) {
        long started = System.nanoTime();
        LdeqNetwork net = new LdeqNetwork(config.architecture());
        BoundSolver solver = ctx.solver(config.solver(), config.solverConfig());
        FaceGenerator generator = new FaceGenerator(faces(config));
        List<FaceImage> train =
                generator.generate(ctx.seeds().derive("train-faces"), config.trainFaces());
        List<FaceImage> test =
                generator.generate(ctx.seeds().derive("test-faces"), config.testFaces());
        NDManager run = ctx.manager();
        TrainingState s =
                ctx.checkpoints()
                        .load(TrainingState.CHECKPOINT)
                        .map(b -> TrainingState.decode(run, b))
                        .orElseGet(
                                () ->
                                        new TrainingState(
                                                net.initialParameters(
                                                        run, ctx.seeds().derive("init"))));
        RunResult.Builder result = RunResult.builder();
        if (s.step > 0) {
            result.event("resumed at step " + s.step);
            ctx.info("Resuming ldeq/ldeq training at step " + s.step + ".");
        }
        double windowLoss = 0;
        int windowSteps = 0;
        double[] forwardEvals = new double[2];
        try (Progress progress =
                ctx.progress("train " + net.parameterCount() + " params", config.steps(), "step")) {
            progress.step(s.step);
            while (s.step < config.steps()) {
                ctx.checkCancelled();
                double lr = Adam.cosine(config.lr(), s.step, config.steps());
                double loss = step(ctx, config, net, solver, s, train, lr, forwardEvals);
                if (!Double.isFinite(loss) || loss > DIVERGED_LOSS) {
                    throw new RunFailedException(
                            String.format(
                                    Locale.ROOT,
                                    "Training diverged at step %d (loss %s, lr %.3g); lower lr.",
                                    s.step,
                                    loss,
                                    lr));
                }
                s.step++;
                windowLoss += loss;
                windowSteps++;
                progress.step(1);
                progress.status(String.format(Locale.ROOT, "loss %.4f", loss));
                if (s.step % config.checkpointEvery() == 0 || s.step == config.steps()) {
                    s.curve.add(windowLoss / windowSteps);
                    windowLoss = 0;
                    windowSteps = 0;
                    ctx.checkpoints().save(TrainingState.CHECKPOINT, s.encode());
                }
            }
        }
        double trainSeconds = (System.nanoTime() - started) / 1e9;
        result.metric("train_seconds", trainSeconds);
        if (forwardEvals[1] > 0) {
            result.metric("train_mean_forward_evaluations", forwardEvals[0] / forwardEvals[1]);
        }
        double[] xs = new double[s.curve.size()];
        double[] ys = new double[s.curve.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Math.min(config.steps(), (i + 1L) * config.checkpointEvery());
            ys[i] = s.curve.get(i);
        }
        result.plot(
                "loss",
                new Plot(
                        "training loss (" + config.loss() + ")",
                        "step",
                        "mean loss",
                        List.of(new Plot.Series("train", xs, ys))));

        double[][] predicted = evaluateStills(ctx, config, net, solver, s.params, test, result);
        drawStills(ctx, test, predicted, result);
        raceSolvers(ctx, config, net, s.params, test, result);
        if (config.videos() > 0) {
            new VideoEvaluation(
                            ctx,
                            new VideoEvaluation.Settings(
                                    config.videos(),
                                    config.validationVideos(),
                                    config.videoFrames(),
                                    config.rwrIterations(),
                                    config.rwrGamma(),
                                    config.solver(),
                                    config.solverConfig(),
                                    VideoEvaluation.FilterTarget.WARM_START,
                                    List.of()),
                            net,
                            s.params,
                            faces(config))
                    .run(result);
        }
        ctx.artifacts().save(MODEL_ARTIFACT, new ModelWeights(s.params, new ModelState()).encode());
        result.metric("wall_seconds", (System.nanoTime() - started) / 1e9);
        return result.build();
    }

    /**
     * Inference speed per solver at batch 1 and 8, and training peak memory at 5 vs 20 solver
     * iterations, implicit vs explicit ({@code metaforge bench SPEC}).
     */
    @Override
    public RunResult benchmark(RunContext ctx, LdeqConfig config, Task task) {
        return LdeqBenchmark.run(ctx, config);
    }

    /** One training step; returns the batch's loss. */
    static double step(
            RunContext ctx,
            LdeqConfig config,
            LdeqNetwork net,
            BoundSolver solver,
            TrainingState s,
            List<FaceImage> train,
            double lr,
            double[] forwardEvals) {
        Autodiff ad = ctx.autodiff();
        SplittableRandom rng = new SplittableRandom(ctx.seeds().derive("batch", s.step));
        List<FaceImage> faces = new ArrayList<>(config.batchSize());
        for (int i = 0; i < config.batchSize(); i++) {
            faces.add(train.get(rng.nextInt(train.size())));
        }
        try (NDManager step = ctx.manager().newSubManager()) {
            s.params.tempAttach(step);
            s.m.tempAttach(step);
            s.v.tempAttach(step);
            NDArray[] batch =
                    FaceTensors.augmented(
                            step, faces, rng, config.scaleJitter(), config.shiftJitter());
            NDArray images = batch[0];
            NDArray targets = batch[1];
            NDArray grad;
            double loss;
            if (config.mode() == LdeqConfig.Mode.EXPLICIT) {
                try (Autodiff.Tape t = ad.tape()) {
                    NDArray theta = ad.requireGradient(s.params);
                    theta.attach(step);
                    NDArray injection = net.injection(theta, images);
                    NDArray z = net.zeros(step, config.batchSize(), DataType.FLOAT32);
                    UnaryOperator<NDArray> cell = net.cellMap(theta, injection);
                    for (int i = 0; i < config.explicitIterations(); i++) {
                        z = cell.apply(z);
                    }
                    NDArray l = loss(config, Heatmaps.coordinates(z), targets);
                    loss = l.toType(DataType.FLOAT64, false).getDouble();
                    grad = ad.gradient(l, new NDList(theta), false).get(0);
                }
            } else {
                NDArray fixedParams = s.params.duplicate();
                fixedParams.attach(step);
                NDArray injection0 = net.injection(fixedParams, images);
                FixedPointResult fwd =
                        solver.solve(
                                net.cellMap(fixedParams, injection0),
                                net.zeros(step, config.batchSize(), DataType.FLOAT32));
                forwardEvals[0] += fwd.evaluations();
                forwardEvals[1]++;
                NDArray zLeaf;
                NDArray z1;
                NDArray theta;
                try (Autodiff.Tape t = ad.tape()) {
                    theta = ad.requireGradient(s.params);
                    theta.attach(step);
                    zLeaf = ad.requireGradient(fwd.z());
                    zLeaf.attach(step);
                    z1 = net.cell(theta, zLeaf, net.injection(theta, images));
                }
                NDArray g;
                try (Autodiff.Tape t = ad.tape()) {
                    NDArray zOut = ad.requireGradient(z1);
                    zOut.attach(step);
                    NDArray l = loss(config, Heatmaps.coordinates(zOut), targets);
                    loss = l.toType(DataType.FLOAT64, false).getDouble();
                    g = ad.gradient(l, new NDList(zOut), false).get(0);
                }
                grad =
                        ImplicitBackward.gradients(
                                        ad,
                                        solver,
                                        z1,
                                        zLeaf,
                                        g,
                                        new NDList(theta),
                                        config.backward() == LdeqConfig.Backward.JACOBIAN_FREE)
                                .gradients()
                                .get(0);
            }
            Adam.step(s.params, s.m, s.v, grad, s.step + 1L, lr);
            return loss;
        }
    }

    private static NDArray loss(LdeqConfig config, NDArray coords, NDArray targets) {
        NDArray diff = coords.sub(targets);
        return "l2".equals(config.loss()) ? diff.square().mean() : diff.abs().mean();
    }

    /** Predicted landmarks in pixels and per-sample final residuals of a batch of stills. */
    record Prediction(double[][] landmarks, double[] residuals, int evaluations) {}

    static Prediction predict(
            LdeqNetwork net, NDArray params, BoundSolver solver, List<FaceImage> faces) {
        NDManager home = params.getManager();
        try (NDManager scope = home.newSubManager()) {
            NDArray p = params.duplicate();
            p.attach(scope);
            NDArray images = FaceTensors.batch(scope, faces)[0];
            NDArray injection = net.injection(p, images);
            Equilibrium.Solved solved =
                    Equilibrium.solve(
                            net,
                            p,
                            injection,
                            net.zeros(scope, faces.size(), DataType.FLOAT32),
                            solver);
            double[][] lm =
                    FaceTensors.toPixels(
                            Heatmaps.coordinates(solved.heatmaps()), faces.get(0).width());
            return new Prediction(
                    lm, solved.solve().sampleResiduals(), solved.solve().evaluations());
        }
    }

    /** Predicted landmarks (pixels) of each test face; adds NME, FR, AUC and residuals. */
    private static double[][] evaluateStills(
            RunContext ctx,
            LdeqConfig config,
            LdeqNetwork net,
            BoundSolver solver,
            NDArray params,
            List<FaceImage> test,
            RunResult.Builder result) {
        double[] nmes = new double[test.size()];
        double[] residuals = new double[test.size()];
        double[][] predicted = new double[test.size()][];
        for (int from = 0; from < test.size(); from += config.evalBatch()) {
            ctx.checkCancelled();
            List<FaceImage> part =
                    test.subList(from, Math.min(test.size(), from + config.evalBatch()));
            Prediction pr = predict(net, params, solver, part);
            for (int i = 0; i < part.size(); i++) {
                predicted[from + i] = pr.landmarks()[i];
                nmes[from + i] = LandmarkMetrics.nme(pr.landmarks()[i], part.get(i).landmarks());
                residuals[from + i] = pr.residuals()[i];
            }
        }
        LandmarkMetrics.Summary summary = LandmarkMetrics.summarize(nmes, 0.1);
        result.metric("test_nme", 100 * summary.meanNme());
        result.metric("test_fr", 100 * summary.failureRate());
        result.metric("test_auc", summary.auc());
        double[] sorted = residuals.clone();
        Arrays.sort(sorted);
        int converged = 0;
        for (double r : residuals) {
            converged += r <= config.residualTarget() ? 1 : 0;
        }
        result.metric("residual_converged_fraction", converged / (double) residuals.length);
        result.metric("residual_median", sorted[sorted.length / 2]);
        result.metric(
                "residual_p90",
                sorted[(int) Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))]);
        result.metric("residual_max", sorted[sorted.length - 1]);
        ctx.info(
                String.format(
                        Locale.ROOT,
                        "still test faces: NME %.3f, FR %.2f%%, AUC %.4f; residual median %.2e, max"
                                + " %.2e, %.1f%% below %.0e",
                        100 * summary.meanNme(),
                        100 * summary.failureRate(),
                        summary.auc(),
                        sorted[sorted.length / 2],
                        sorted[sorted.length - 1],
                        100.0 * converged / residuals.length,
                        config.residualTarget()));
        return predicted;
    }

    /**
     * The first {@value #DRAWN_FACES} test faces with ground-truth (green) and predicted (red)
     * landmarks, as the binary artefact {@value #STILLS_PICTURE}.
     */
    private static void drawStills(
            RunContext ctx, List<FaceImage> test, double[][] predicted, RunResult.Builder result) {
        int n = Math.min(DRAWN_FACES, test.size());
        if (n == 0) {
            return;
        }
        List<LandmarkSheet.Cell> cells = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FaceImage f = test.get(i);
            cells.add(
                    new LandmarkSheet.Cell(
                            f,
                            List.of(
                                    new LandmarkSheet.Marks(
                                            f.landmarks(), LandmarkSheet.GROUND_TRUTH),
                                    new LandmarkSheet.Marks(
                                            predicted[i], LandmarkSheet.PREDICTION))));
        }
        BufferedImage sheet =
                LandmarkSheet.draw(cells, 4, LandmarkSheet.scaleFor(test.get(0).width()));
        ctx.artifacts().save(STILLS_PICTURE, LandmarkSheet.png(sheet));
        Map<String, Object> about = new LinkedHashMap<>();
        // binary-artifacts and captions: how a report lists and captions the picture
        about.put("binary-artifacts", List.of(STILLS_PICTURE));
        about.put(
                "captions",
                List.of(
                        "The first "
                                + n
                                + " still test faces: ground truth green, predicted landmarks"
                                + " red"));
        result.artifact("still-faces-picture", about);
    }

    /**
     * Anderson against fixed-point iteration on single faces: the cell evaluations each needs to
     * reach the relative residual {@code residual-target} (at most 100).
     */
    private static void raceSolvers(
            RunContext ctx,
            LdeqConfig config,
            LdeqNetwork net,
            NDArray params,
            List<FaceImage> test,
            RunResult.Builder result) {
        int n = Math.min(config.solverRaceFaces(), test.size());
        if (n == 0) {
            return;
        }
        Map<String, Object> stop = new LinkedHashMap<>();
        stop.put("max-iterations", 100);
        stop.put("rel-tolerance", config.residualTarget());
        Map<String, BoundSolver> solvers = new LinkedHashMap<>();
        solvers.put("anderson", ctx.solver("solvers/anderson", stop));
        solvers.put("fixed_point", ctx.solver("solvers/fixed-point", stop));
        for (Map.Entry<String, BoundSolver> e : solvers.entrySet()) {
            double evals = 0;
            int reached = 0;
            for (int i = 0; i < n; i++) {
                Prediction pr = predict(net, params, e.getValue(), List.of(test.get(i)));
                // the read-out reuses the solve's value at z*: no evaluation beyond these
                evals += pr.evaluations();
                reached += pr.residuals()[0] <= config.residualTarget() ? 1 : 0;
            }
            result.metric("race_" + e.getKey() + "_mean_evaluations", evals / n);
            result.metric("race_" + e.getKey() + "_reached_fraction", reached / (double) n);
        }
    }
}

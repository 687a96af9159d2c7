package org.metaforge.plugins.ldeq.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.metaforge.plugins.ldeq.drawing.LandmarkSheet;
import org.metaforge.plugins.ldeq.face.FaceGeneratorConfig;
import org.metaforge.plugins.ldeq.face.FaceImage;
import org.metaforge.plugins.ldeq.face.FaceVideo;
import org.metaforge.plugins.ldeq.face.VideoConfig;
import org.metaforge.plugins.ldeq.face.VideoGenerator;
import org.metaforge.plugins.ldeq.model.Equilibrium;
import org.metaforge.plugins.ldeq.model.Heatmaps;
import org.metaforge.plugins.ldeq.model.LdeqNetwork;
import org.metaforge.sdk.metric.LandmarkMetrics;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.solver.BoundSolver;

/**
 * Landmarks on synthetic easy and hard videos by five methods: per-frame inference ({@code z0 = 0}
 * every frame), the per-frame predictions smoothed by a tuned EMA and a tuned One-Euro filter, RwR
 * with a warm start (the previous frame's equilibrium as the start, a small iteration budget) and
 * constrained RwR.
 *
 * <p>Constrained RwR solves {@code z = (f(z, x_t) + gamma z_{t-1}) / (1 + gamma)}, whose fixed
 * point satisfies {@code z - f(z, x_t) = gamma (z_{t-1} - z)}: the equilibrium condition relaxed by
 * a proximity pull towards the previous frame's equilibrium (weight gamma), with the same budget
 * and warm start. The filters' parameters are tuned on separate validation videos (half easy, half
 * hard): the lowest NME among the settings whose NMF is at most warm-start RwR's NMF there, or
 * constrained RwR's with {@link FilterTarget#CONSTRAINED} (the comparison "NME at equal or lower
 * NMF"); when none is that smooth, the smoothest setting. It plots one hard video's trajectory and
 * draws its frames ({@value #FRAMES_PICTURE}). With {@link Settings#frontierGammas} it also sweeps
 * constrained RwR's gamma on the hard test videos and compares each point with every filter setting
 * at equal or lower NMF there (the filters' fronts, {@link Frontier}).
 */
public final class VideoEvaluation {

    /** The binary artefact showing frames of a hard video with landmarks drawn (PNG). */
    public static final String FRAMES_PICTURE = "hard-video-frames.png";

    /** How many consecutive frames {@value #FRAMES_PICTURE} shows. */
    static final int DRAWN_FRAMES = 8;

    /** The landmark whose trajectory is plotted (WFLW 54, the tip of the nose). */
    static final int PLOTTED_LANDMARK = 54;

    /**
     * What to run.
     *
     * @param videos test videos per kind
     * @param validationVideos validation videos per kind, for the filters
     * @param frames frames per video
     * @param rwrIterations the solver budget per frame under RwR
     * @param gamma the proximity weight of constrained RwR
     * @param solverId the solver component
     * @param solverConfig its configuration (per-frame inference uses it as is)
     * @param filterTarget which RwR variant's validation NMF the filters are tuned to
     * @param frontierGammas the gammas of the trade-off sweep on the hard test videos (0 is warm
     *     start); empty for none
     */
    public record Settings(
            int videos,
            int validationVideos,
            int frames,
            int rwrIterations,
            double gamma,
            String solverId,
            Map<String, Object> solverConfig,
            FilterTarget filterTarget,
            List<Double> frontierGammas) {

        public Settings {
            // sorted and without repeats: one table row, one metric set and one plotted point each
            frontierGammas = frontierGammas.stream().distinct().sorted().toList();
        }
    }

    /** The EMA smoothing factors tried, from no smoothing down. */
    private static final double[] EMA_ALPHAS = {
        1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.07, 0.05
    };

    /** The One-Euro minimum cutoffs tried (with every beta of {@link #ONE_EURO_BETAS}). */
    private static final double[] ONE_EURO_CUTOFFS = {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0};

    /** The One-Euro speed coefficients tried. */
    private static final double[] ONE_EURO_BETAS = {0, 0.001, 0.01, 0.1, 1.0};

    /** Which RwR variant's validation NMF the filters are tuned to stay at or below. */
    public enum FilterTarget {
        /** Warm-start RwR's. */
        WARM_START,
        /** Constrained RwR's. */
        CONSTRAINED
    }

    enum Method {
        PER_FRAME,
        RWR,
        RWR_CONSTRAINED
    }

    private final RunContext ctx;
    private final Settings settings;
    private final LdeqNetwork net;
    private final NDArray params;
    private final BoundSolver full;
    private final BoundSolver budget;
    private final VideoGenerator generator;
    private final double[] evaluations = new double[Method.values().length];
    private final double[] frameCounts = new double[Method.values().length];

    /** Prepares the evaluation of the trained {@code params}. */
    public VideoEvaluation(
            RunContext ctx,
            Settings settings,
            LdeqNetwork net,
            NDArray params,
            FaceGeneratorConfig faces) {
        this.ctx = ctx;
        this.settings = settings;
        this.net = net;
        this.params = params;
        this.full = ctx.solver(settings.solverId(), settings.solverConfig());
        Map<String, Object> small = new LinkedHashMap<>(settings.solverConfig());
        small.put("max-iterations", settings.rwrIterations());
        this.budget = ctx.solver(settings.solverId(), small);
        this.generator = new VideoGenerator(faces, new VideoConfig(settings.frames(), 12));
    }

    /** Runs every method on validation and test videos and adds the table and the plot. */
    public void run(RunResult.Builder result) {
        List<FaceVideo> validation = new ArrayList<>();
        validation.addAll(
                generator.generate(
                        ctx.seeds().derive("validation-videos", 0),
                        settings.validationVideos(),
                        false));
        validation.addAll(
                generator.generate(
                        ctx.seeds().derive("validation-videos", 1),
                        settings.validationVideos(),
                        true));
        double[][][] valPerFrame = infer(validation, Method.PER_FRAME);
        Method target =
                settings.filterTarget() == FilterTarget.CONSTRAINED
                        ? Method.RWR_CONSTRAINED
                        : Method.RWR;
        double rwrNmf = mean(validation, infer(validation, target))[1];
        double bestAlpha = tune(emaFront(validation, valPerFrame), rwrNmf)[0];
        double[] bestEuro = tune(oneEuroFront(validation, valPerFrame), rwrNmf);
        result.metric("filter_ema_alpha", bestAlpha);
        result.metric("filter_one_euro_min_cutoff", bestEuro[0]);
        result.metric("filter_one_euro_beta", bestEuro[1]);
        result.metric("validation_rwr_nmf", rwrNmf);

        StringBuilder table =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "| method | easy NME | easy NMF | hard NME | hard NMF |%n"
                                        + "|---|---|---|---|---|%n"));
        Map<String, double[]> rows = new LinkedHashMap<>();
        Plot plot = null;
        for (boolean hard : new boolean[] {false, true}) {
            String kind = hard ? "hard" : "easy";
            List<FaceVideo> videos =
                    generator.generate(
                            ctx.seeds().derive("test-videos", hard ? 1 : 0),
                            settings.videos(),
                            hard);
            double[][][] perFrame = infer(videos, Method.PER_FRAME);
            Map<String, double[][][]> methods = new LinkedHashMap<>();
            methods.put("per-frame", perFrame);
            methods.put("per-frame + EMA", map(perFrame, p -> Filters.ema(p, bestAlpha)));
            methods.put(
                    "per-frame + One-Euro",
                    map(perFrame, p -> Filters.oneEuro(p, bestEuro[0], bestEuro[1], 1.0)));
            methods.put("RwR (warm start)", infer(videos, Method.RWR));
            methods.put("RwR (constrained)", infer(videos, Method.RWR_CONSTRAINED));
            for (Map.Entry<String, double[][][]> e : methods.entrySet()) {
                double[] nmeNmf = mean(videos, e.getValue());
                String key = e.getKey().replaceAll("[^A-Za-z]+", "_").toLowerCase(Locale.ROOT);
                key = key.replaceAll("_+$", "");
                result.metric("video_" + kind + "_" + key + "_nme", nmeNmf[0]);
                result.metric("video_" + kind + "_" + key + "_nmf", nmeNmf[1]);
                rows.computeIfAbsent(e.getKey(), k -> new double[4]);
                rows.get(e.getKey())[hard ? 2 : 0] = nmeNmf[0];
                rows.get(e.getKey())[hard ? 3 : 1] = nmeNmf[1];
            }
            if (hard) {
                if (!settings.frontierGammas().isEmpty()) {
                    // the table's two RwR runs are sweep points already: gamma 0 and the spec's
                    Map<Double, double[][][]> known = new HashMap<>();
                    known.put(settings.gamma(), methods.get("RwR (constrained)"));
                    known.put(0.0, methods.get("RwR (warm start)"));
                    frontier(videos, perFrame, known, result);
                }
                plot = trajectory(videos.get(0), methods);
                drawFrames(
                        videos.get(0),
                        methods.get("per-frame")[0],
                        methods.get("RwR (warm start)")[0],
                        result);
            }
        }
        rows.forEach(
                (name, v) ->
                        table.append(
                                String.format(
                                        Locale.ROOT,
                                        "| %s | %.3f | %.3f | %.3f | %.3f |%n",
                                        name,
                                        v[0],
                                        v[1],
                                        v[2],
                                        v[3])));
        table.append(
                String.format(
                        Locale.ROOT,
                        "(%d easy and %d hard videos of %d frames; mean over videos)%n",
                        settings.videos(),
                        settings.videos(),
                        settings.frames()));
        for (Method m : Method.values()) {
            if (frameCounts[m.ordinal()] > 0) {
                result.metric(
                        "video_mean_evaluations_" + m.name().toLowerCase(Locale.ROOT),
                        evaluations[m.ordinal()] / frameCounts[m.ordinal()]);
            }
        }
        double[] pf = rows.get("per-frame");
        double[] rwr = rows.get("RwR (warm start)");
        result.metric("video_hard_rwr_nmf_reduction", 1 - rwr[3] / pf[3]);
        result.artifact("rwr_table", table.toString());
        ctx.info("RwR on synthetic videos:\n" + table);
        result.plot("rwr_trajectory", plot);
    }

    /**
     * The trade-off between accuracy and smoothness on the hard test videos: RwR at every gamma of
     * the sweep against every setting of the two filters, each RwR point compared with the best
     * filter setting (lowest NME) among those at equal or lower NMF on these same videos. Choosing
     * the filters' parameters on the test videos is an oracle no deployed filter has, so an RwR
     * point below both filters' fronts beats every setting of the grids tried (15 EMA alphas, 40
     * One-Euro settings). A point smoother than every filter setting is "n/a", not a win. Adds the
     * table {@code rwr_frontier_table}, metrics per gamma and the plot {@code rwr_frontier}.
     */
    private void frontier(
            List<FaceVideo> videos,
            double[][][] perFrame,
            Map<Double, double[][][]> known,
            RunResult.Builder result) {
        Frontier emaFront = emaFront(videos, perFrame);
        Frontier euroFront = oneEuroFront(videos, perFrame);
        StringBuilder table =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "| RwR gamma | RwR NME / NMF | best EMA at NMF <= RwR's | best"
                                        + " One-Euro at NMF <= RwR's | RwR lower NME than both"
                                        + " |%n|---|---|---|---|---|%n"));
        List<Frontier.Point> rwr = new ArrayList<>();
        int wins = 0;
        for (double gamma : settings.frontierGammas()) {
            Method method = gamma == 0 ? Method.RWR : Method.RWR_CONSTRAINED;
            double[][][] predictions = known.get(gamma);
            if (predictions == null) {
                predictions = infer(videos, method, gamma, false);
            }
            double[] r = mean(videos, predictions);
            Frontier.Point point =
                    new Frontier.Point(String.format(Locale.ROOT, "gamma %s", gamma), r[1], r[0]);
            rwr.add(point);
            Frontier.Verdict v = Frontier.judge(point, emaFront, euroFront);
            wins += v.rwrWins() ? 1 : 0;
            String tag = String.format(Locale.ROOT, "%s", gamma).replace('.', 'p');
            result.metric("video_hard_frontier_gamma_" + tag + "_rwr_nme", r[0]);
            result.metric("video_hard_frontier_gamma_" + tag + "_rwr_nmf", r[1]);
            // a filter with no setting that smooth has no metric here ("none that smooth" below)
            if (v.ema() != null) {
                result.metric("video_hard_frontier_gamma_" + tag + "_ema_nme", v.ema().nme());
            }
            if (v.oneEuro() != null) {
                result.metric(
                        "video_hard_frontier_gamma_" + tag + "_one_euro_nme", v.oneEuro().nme());
            }
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| %s%s | %.3f / %.1f | %s | %s | %s |%n",
                            gamma,
                            gamma == 0 ? " (warm start)" : "",
                            r[0],
                            r[1],
                            Frontier.describe(v.ema()),
                            Frontier.describe(v.oneEuro()),
                            v.outcome()));
        }
        table.append(
                String.format(
                        Locale.ROOT,
                        "(%d hard test videos of %d frames; RwR at most %d solver evaluations per"
                                + " frame after the first; the filters' settings chosen on these"
                                + " same videos)%n",
                        videos.size(),
                        settings.frames(),
                        settings.rwrIterations()));
        result.metric("video_hard_frontier_rwr_wins", wins);
        result.artifact("rwr_frontier_table", table.toString());
        ctx.info("RwR against the filters' fronts on the hard test videos:\n" + table);
        double[] pf = mean(videos, perFrame);
        result.plot(
                "rwr_frontier",
                new Plot(
                        "hard test videos: accuracy against smoothness",
                        "NMF (lower is smoother)",
                        "NME (lower is more accurate)",
                        List.of(
                                Frontier.series("EMA, alpha 1 to 0.05", emaFront.points()),
                                Frontier.series(
                                        "One-Euro, Pareto front of its grid", euroFront.pareto()),
                                Frontier.series("RwR, gamma sweep", rwr),
                                new Plot.Series(
                                        "per-frame", new double[] {pf[1]}, new double[] {pf[0]}))));
    }

    /**
     * {@value #DRAWN_FRAMES} consecutive frames of {@code video}, where per-frame predictions
     * flicker most, as the binary artefact {@value #FRAMES_PICTURE}: per-frame predictions (red) in
     * the top row, warm-start RwR (blue) below, the ground truth (green) in both.
     */
    private void drawFrames(
            FaceVideo video, double[][] perFrame, double[][] rwr, RunResult.Builder result) {
        double[][] truth = video.landmarks();
        int n = Math.min(DRAWN_FRAMES, truth.length);
        int from = flickeriestWindow(perFrame, truth, n);
        double[][][] rows = {perFrame, rwr};
        int[] colours = {LandmarkSheet.PREDICTION, LandmarkSheet.SECOND_PREDICTION};
        List<LandmarkSheet.Cell> cells = new ArrayList<>();
        for (int r = 0; r < rows.length; r++) {
            for (int t = from; t < from + n; t++) {
                cells.add(
                        new LandmarkSheet.Cell(
                                video.frames().get(t),
                                List.of(
                                        new LandmarkSheet.Marks(
                                                truth[t], LandmarkSheet.GROUND_TRUTH),
                                        new LandmarkSheet.Marks(rows[r][t], colours[r]))));
            }
        }
        int side = video.frames().get(0).width();
        ctx.artifacts()
                .save(
                        FRAMES_PICTURE,
                        LandmarkSheet.png(
                                LandmarkSheet.draw(cells, n, LandmarkSheet.scaleFor(side))));
        Map<String, Object> about = new LinkedHashMap<>();
        // binary-artifacts and captions: how a report lists and captions the picture
        about.put("binary-artifacts", List.of(FRAMES_PICTURE));
        about.put(
                "captions",
                List.of(
                        String.format(
                                Locale.ROOT,
                                "Hard test video 0, frames %d to %d: per-frame predictions red"
                                        + " (top), warm-start RwR blue (bottom), ground truth"
                                        + " green",
                                from,
                                from + n - 1)));
        about.put("first-frame", from);
        result.artifact("video-frames-picture", about);
    }

    /**
     * The first frame of the {@code n} consecutive frames over which the prediction error changes
     * most from frame to frame (summed norms of the change in error, NMF's numerator).
     */
    static int flickeriestWindow(double[][] predicted, double[][] truth, int n) {
        int frames = truth.length;
        double[] jump = new double[frames];
        for (int t = 1; t < frames; t++) {
            double sum = 0;
            for (int i = 0; i < truth[t].length; i++) {
                double d =
                        (predicted[t][i] - truth[t][i]) - (predicted[t - 1][i] - truth[t - 1][i]);
                sum += d * d;
            }
            jump[t] = Math.sqrt(sum);
        }
        int best = 0;
        double bestSum = -1;
        for (int from = 0; from + n <= frames; from++) {
            double sum = 0;
            for (int t = from + 1; t < from + n; t++) {
                sum += jump[t];
            }
            if (sum > bestSum) {
                bestSum = sum;
                best = from;
            }
        }
        return best;
    }

    private Plot trajectory(FaceVideo video, Map<String, double[][][]> methods) {
        int t = video.frames().size();
        double[] xs = new double[t];
        double[] gt = new double[t];
        for (int i = 0; i < t; i++) {
            xs[i] = i;
            gt[i] = video.frames().get(i).landmarks()[2 * PLOTTED_LANDMARK];
        }
        List<Plot.Series> series = new ArrayList<>();
        series.add(new Plot.Series("ground truth", xs, gt));
        for (Map.Entry<String, double[][][]> e : methods.entrySet()) {
            double[] ys = new double[t];
            for (int i = 0; i < t; i++) {
                ys[i] = e.getValue()[0][i][2 * PLOTTED_LANDMARK];
            }
            series.add(new Plot.Series(e.getKey(), xs, ys));
        }
        return new Plot(
                "hard video 0: x of landmark " + PLOTTED_LANDMARK, "frame", "x (pixels)", series);
    }

    private static double[][][] map(
            double[][][] in, java.util.function.Function<double[][], double[][]> f) {
        double[][][] out = new double[in.length][][];
        for (int v = 0; v < in.length; v++) {
            out[v] = f.apply(in[v]);
        }
        return out;
    }

    /** Mean over videos of video NME (percent) and NMF. */
    static double[] mean(List<FaceVideo> videos, double[][][] predictions) {
        double nme = 0;
        double nmf = 0;
        for (int v = 0; v < videos.size(); v++) {
            double[][] gt = videos.get(v).landmarks();
            nme += LandmarkMetrics.videoNme(predictions[v], gt);
            nmf += LandmarkMetrics.nmf(predictions[v], gt);
        }
        return new double[] {nme / videos.size(), nmf / videos.size()};
    }

    /** Every EMA setting of the grid on {@code videos}, in grid order; a setting is {alpha}. */
    private static Frontier emaFront(List<FaceVideo> videos, double[][][] perFrame) {
        List<Frontier.Point> points = new ArrayList<>();
        for (double a : EMA_ALPHAS) {
            double[] r = mean(videos, map(perFrame, p -> Filters.ema(p, a)));
            points.add(
                    new Frontier.Point(
                            String.format(Locale.ROOT, "alpha %s", a),
                            new double[] {a},
                            r[1],
                            r[0]));
        }
        return new Frontier(points);
    }

    /**
     * Every One-Euro setting of the grid on {@code videos}, in grid order; a setting is {min
     * cutoff, beta}.
     */
    private static Frontier oneEuroFront(List<FaceVideo> videos, double[][][] perFrame) {
        List<Frontier.Point> points = new ArrayList<>();
        for (double c : ONE_EURO_CUTOFFS) {
            for (double b : ONE_EURO_BETAS) {
                double[] r = mean(videos, map(perFrame, p -> Filters.oneEuro(p, c, b, 1.0)));
                points.add(
                        new Frontier.Point(
                                String.format(Locale.ROOT, "min cutoff %s, beta %s", c, b),
                                new double[] {c, b},
                                r[1],
                                r[0]));
            }
        }
        return new Frontier(points);
    }

    /**
     * The parameters of the setting with the lowest NME at an NMF at most {@code targetNmf}, or of
     * the smoothest setting when none is that smooth.
     */
    private static double[] tune(Frontier front, double targetNmf) {
        Frontier.Point best = front.bestAtOrBelow(targetNmf);
        return (best != null ? best : front.smoothest()).setting();
    }

    /** Predictions {@code [video][frame][196]} in pixels, the videos batched frame by frame. */
    double[][][] infer(List<FaceVideo> videos, Method method) {
        return infer(videos, method, settings.gamma(), true);
    }

    /**
     * As {@link #infer(List, Method)} with constrained RwR's weight {@code gamma}; {@code counted}
     * adds the solver evaluations to the reported means.
     */
    private double[][][] infer(
            List<FaceVideo> videos, Method method, double gamma, boolean counted) {
        int n = videos.size();
        int frames = videos.get(0).frames().size();
        int side = videos.get(0).frames().get(0).width();
        double[][][] out = new double[n][frames][];
        NDManager home = params.getManager();
        try (NDManager carry = home.newSubManager()) {
            NDArray previous = null;
            for (int t = 0; t < frames; t++) {
                ctx.checkCancelled();
                try (NDManager frame = home.newSubManager()) {
                    NDArray p = params.duplicate();
                    p.attach(frame);
                    NDArray images = images(frame, videos, t, side);
                    NDArray injection = net.injection(p, images);
                    Equilibrium.Solved solved;
                    if (method == Method.PER_FRAME || previous == null) {
                        solved =
                                Equilibrium.solve(
                                        net,
                                        p,
                                        injection,
                                        net.zeros(frame, n, DataType.FLOAT32),
                                        full);
                    } else {
                        NDArray start = previous.duplicate();
                        start.attach(frame);
                        UnaryOperator<NDArray> cell = net.cellMap(p, injection);
                        UnaryOperator<NDArray> map;
                        if (method == Method.RWR) {
                            map = cell;
                        } else {
                            NDArray anchor = start.mul(gamma);
                            double scale = 1 / (1 + gamma);
                            map = z -> cell.apply(z).add(anchor).mul(scale);
                        }
                        solved = Equilibrium.solve(map, start, budget);
                    }
                    if (counted) {
                        evaluations[method.ordinal()] += solved.solve().evaluations();
                        frameCounts[method.ordinal()]++;
                    }
                    float[] coords = Heatmaps.coordinates(solved.heatmaps()).toFloatArray();
                    int per = coords.length / n;
                    for (int v = 0; v < n; v++) {
                        out[v][t] = new double[per];
                        for (int j = 0; j < per; j++) {
                            out[v][t][j] = coords[v * per + j] * side;
                        }
                    }
                    NDArray next = solved.heatmaps().duplicate();
                    next.attach(carry);
                    if (previous != null) {
                        previous.close();
                    }
                    previous = next;
                }
            }
        }
        return out;
    }

    private static NDArray images(NDManager m, List<FaceVideo> videos, int t, int side) {
        float[] pixels = new float[videos.size() * side * side];
        for (int v = 0; v < videos.size(); v++) {
            FaceImage f = videos.get(v).frames().get(t);
            int n = side * side;
            for (int c = 0; c < f.channels(); c++) {
                for (int i = 0; i < n; i++) {
                    pixels[v * n + i] += f.pixels()[c * n + i] / f.channels();
                }
            }
        }
        return m.create(pixels, new Shape(videos.size(), 1, side, side));
    }
}

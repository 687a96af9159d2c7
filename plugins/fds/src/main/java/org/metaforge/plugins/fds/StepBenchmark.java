package org.metaforge.plugins.fds;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.metric.ResidentMemory;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;

/**
 * Measures, in one process: peak resident memory after a tracked horizon H and after 4H (forward
 * mode carries no history, so the ratio should stay near 1), then the cost of an inner step with
 * hypergradient tracking relative to a plain SGD step, for 1, 3 and (mean over a run) 7+1+1 tracked
 * hyperparameters.
 */
final class StepBenchmark {

    private static final int WARMUP = 3;

    private StepBenchmark() {}

    static RunResult run(RunContext ctx, ForwardHpoConfig c, Task task) {
        LabeledImages train = task.train();
        FunctionalModel model = c.network(train);
        int steps = Math.max(2 * c.lrBlocks(), 35);
        int[] idx = new int[Math.min(train.size(), steps * c.batchSize())];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        LabeledImages data = train.subset("benchmark", idx);
        RunResult.Builder out = RunResult.builder();
        List<String> lines = new ArrayList<>();
        lines.add(
                String.format(
                        Locale.ROOT,
                        "%s, %d parameters, batch %d, %d steps per measurement",
                        c.model(),
                        model.parameterCount(),
                        c.batchSize(),
                        InnerLoop.stepsPerEpoch(data.size(), c.batchSize())));
        // Memory first, so the timing runs below do not set the peak; after one warm-up horizon,
        // because the native allocator's pools grow over the first few hundred steps whatever
        // the horizon.
        long before = ResidentMemory.peakKb();
        horizon(ctx, model, data, c, 1);
        long afterH = horizon(ctx, model, data, c, 1);
        long after4H = horizon(ctx, model, data, c, 4);
        lines.add(
                String.format(
                        Locale.ROOT,
                        "peak RSS: before %.1f MB, after horizon H %.1f MB, after 4H %.1f MB: ratio 4H/H %.3f",
                        before / 1024.0,
                        afterH / 1024.0,
                        after4H / 1024.0,
                        after4H / (double) afterH));
        out.metric("peak_rss_h_mb", afterH / 1024.0)
                .metric("peak_rss_4h_mb", after4H / 1024.0)
                .metric("peak_rss_ratio_4h_h", after4H / (double) afterH);
        double plain =
                timePerStep(
                        ctx,
                        model,
                        data,
                        c,
                        new Schedule(new double[] {0.01}, new double[] {0.9}, new double[] {5e-4}),
                        Set.of());
        lines.add(
                String.format(
                        Locale.ROOT, "plain SGD step                        %8.2f ms", plain));
        out.metric("plain_step_ms", plain);
        double one =
                timePerStep(
                        ctx,
                        model,
                        data,
                        c,
                        new Schedule(new double[] {0.01}, new double[] {0.9}, new double[] {5e-4}),
                        EnumSet.of(HyperKind.LR));
        report(out, lines, "1 tracked (1 HVP per step)", "tracked_1", one, plain);
        double three =
                timePerStep(
                        ctx,
                        model,
                        data,
                        c,
                        new Schedule(new double[] {0.01}, new double[] {0.9}, new double[] {5e-4}),
                        EnumSet.allOf(HyperKind.class));
        report(out, lines, "3 tracked (3 HVPs per step)", "tracked_3", three, plain);
        double[] lrs = new double[7];
        java.util.Arrays.fill(lrs, 0.01);
        double nine =
                timePerStep(
                        ctx,
                        model,
                        data,
                        c,
                        new Schedule(lrs, new double[] {0.9}, new double[] {5e-4}),
                        EnumSet.allOf(HyperKind.class));
        report(
                out,
                lines,
                "7+1+1 tracked (3..9 HVPs, mean over run)",
                "tracked_7_1_1",
                nine,
                plain);

        lines.forEach(ctx::info);
        return out.artifact("lines", lines).build();
    }

    private static void report(
            RunResult.Builder out,
            List<String> lines,
            String label,
            String key,
            double ms,
            double plain) {
        lines.add(
                String.format(
                        Locale.ROOT, "%-37s %8.2f ms  = %.2f x plain", label, ms, ms / plain));
        out.metric(key + "_step_ms", ms).metric(key + "_ratio", ms / plain);
    }

    /** Mean wall time per inner step after a warm-up, measured through the progress callback. */
    private static double timePerStep(
            RunContext ctx,
            FunctionalModel model,
            LabeledImages data,
            ForwardHpoConfig c,
            Schedule s,
            Set<HyperKind> tracked) {
        InnerLoop.Options o =
                new InnerLoop.Options(
                        c.batchSize(), 1, tracked, c.clampGrad(), c.clampHz(), 0, "alternate");
        List<Long> stamps = new ArrayList<>();
        Progress p =
                new Progress() {
                    @Override
                    public void step(long n) {
                        stamps.add(System.nanoTime());
                    }

                    @Override
                    public void status(String text) {}

                    @Override
                    public void close() {}
                };
        try (NDManager m = ctx.manager().newSubManager()) {
            NDArray w0 = model.initialParameters(m, 1).toType(DataType.FLOAT32, false);
            ModelState s0 = model.newState(m);
            InnerLoop.run(ctx, model, w0, s0, data, s, o, 7, p).close();
        }
        int n = stamps.size();
        return (stamps.get(n - 1) - stamps.get(WARMUP - 1)) / 1e6 / (n - WARMUP);
    }

    /** Peak resident memory (kB) after a tracked 7+1+1 run of {@code epochs} passes. */
    private static long horizon(
            RunContext ctx,
            FunctionalModel model,
            LabeledImages data,
            ForwardHpoConfig c,
            int epochs) {
        double[] lrs = new double[7];
        java.util.Arrays.fill(lrs, 0.01);
        InnerLoop.Options o =
                new InnerLoop.Options(
                        c.batchSize(),
                        epochs,
                        EnumSet.allOf(HyperKind.class),
                        c.clampGrad(),
                        c.clampHz(),
                        0,
                        "alternate");
        try (NDManager m = ctx.manager().newSubManager()) {
            NDArray w0 = model.initialParameters(m, 1).toType(DataType.FLOAT32, false);
            InnerLoop.run(
                            ctx,
                            model,
                            w0,
                            model.newState(m),
                            data,
                            new Schedule(lrs, new double[] {0.9}, new double[] {5e-4}),
                            o,
                            7,
                            null)
                    .close();
        }
        return ResidentMemory.peakKb();
    }
}

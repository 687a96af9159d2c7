package org.metaforge.experiments.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.metaforge.framework.engine.TorchAutodiff;

/**
 * Resident memory of a long run of gradients and Hessian-vector products through {@link
 * TorchAutodiff}: it must level off, since nothing accumulates in {@code .grad}.
 *
 * <p>Each step draws a batch of 128 random inputs, computes the loss of a 784-60-10 tanh MLP
 * (47,710 float32 parameters in one flat vector), its gradient and 7 Hessian-vector products in a
 * sub-manager closed at the end of the step, and takes a small SGD step. Every 100 steps it prints
 * the resident set size (VmRSS from {@code /proc/self/status}); at the end, the growth per step
 * over the first and the second half of the run.
 *
 * <p>Usage: {@code HvpMemoryBenchmark [steps=2000] [device=engine default, e.g. cpu or gpu]}. Run
 * with the engine's offline settings ({@code DJL_OFFLINE=true OPT_OUT_TRACKING=true
 * ENGINE_CACHE_DIR=...}) and a fixed heap (e.g. {@code -Xmx256m}) so heap growth does not blur the
 * native figure.
 */
public final class HvpMemoryBenchmark {

    private static final int INPUTS = 784;
    private static final int HIDDEN = 60;
    private static final int CLASSES = 10;
    private static final int BATCH = 128;
    private static final int DIRECTIONS = 7;
    private static final int REPORT_EVERY = 100;
    private static final float LEARNING_RATE = 0.01f;
    private static final int SEED = 42;

    private HvpMemoryBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args the number of steps (default 2000, at least 2 * 100) and optionally a device
     */
    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        if (steps < 2 * REPORT_EVERY) {
            System.err.println(
                    "steps must be at least " + 2 * REPORT_EVERY + " to compare two halves.");
            System.exit(2);
        }
        Engine engine = Engine.getEngine("PyTorch");
        Device device = args.length > 1 ? Device.fromName(args[1]) : engine.defaultDevice();
        engine.setRandomSeed(SEED);
        int parameters = INPUTS * HIDDEN + HIDDEN + HIDDEN * CLASSES + CLASSES;
        System.out.printf(
                Locale.ROOT,
                "HVP memory benchmark: MLP %d-%d-%d (%d float32 parameters), batch %d, gradient +"
                        + " %d HVPs per step, %d steps, device %s, libtorch %s, threads %s%n",
                INPUTS,
                HIDDEN,
                CLASSES,
                parameters,
                BATCH,
                DIRECTIONS,
                steps,
                device,
                engine.getVersion(),
                System.getProperty("ai.djl.pytorch.num_threads", "engine default"));

        List<long[]> samples = new ArrayList<>(); // {step, rss kB}
        try (NDManager root = engine.newBaseManager(device);
                TorchAutodiff autodiff = new TorchAutodiff()) {
            NDArray w = root.randomNormal(0, 0.05f, new Shape(parameters), DataType.FLOAT32);
            samples.add(new long[] {0, residentKb()});
            report(0, samples.get(0)[1], 0, Double.NaN, Double.NaN);
            long start = System.nanoTime();
            double loss = Double.NaN;
            double hvpNorm = Double.NaN;
            for (int step = 1; step <= steps; step++) {
                try (NDManager scope = root.newSubManager()) {
                    NDArray x = scope.randomNormal(new Shape(BATCH, INPUTS), DataType.FLOAT32);
                    NDArray labels =
                            scope.randomInteger(0, CLASSES, new Shape(BATCH), DataType.INT32)
                                    .oneHot(CLASSES)
                                    .toType(DataType.FLOAT32, false);
                    NDList directions = new NDList(DIRECTIONS);
                    for (int d = 0; d < DIRECTIONS; d++) {
                        directions.add(scope.randomNormal(w.getShape(), DataType.FLOAT32));
                    }
                    NDArray point = w.duplicate();
                    point.attach(scope);
                    NDList result = autodiff.gradientAndHvp(mlpLoss(x, labels), point, directions);
                    NDArray next = w.sub(result.get(1).mul(LEARNING_RATE));
                    next.attach(root);
                    w.close();
                    w = next;
                    if (step % REPORT_EVERY == 0) {
                        loss = result.get(0).getFloat();
                        hvpNorm = result.get(2).norm().getFloat();
                    }
                }
                if (step % REPORT_EVERY == 0) {
                    long rss = residentKb();
                    samples.add(new long[] {step, rss});
                    double msPerStep = (System.nanoTime() - start) / 1e6 / step;
                    report(step, rss, msPerStep, loss, hvpNorm);
                }
            }
        }
        summarize(samples, steps);
    }

    /** Softmax cross-entropy of the MLP whose weights are slices of the flat vector. */
    private static Function<NDArray, NDArray> mlpLoss(NDArray x, NDArray labels) {
        return w -> {
            int at = 0;
            NDArray w1 = slice(w, at, INPUTS * HIDDEN).reshape(INPUTS, HIDDEN);
            at += INPUTS * HIDDEN;
            NDArray b1 = slice(w, at, HIDDEN);
            at += HIDDEN;
            NDArray w2 = slice(w, at, HIDDEN * CLASSES).reshape(HIDDEN, CLASSES);
            at += HIDDEN * CLASSES;
            NDArray b2 = slice(w, at, CLASSES);
            NDArray logits = x.matMul(w1).add(b1).tanh().matMul(w2).add(b2);
            return logits.logSoftmax(1).mul(labels).sum().neg().div(BATCH);
        };
    }

    private static NDArray slice(NDArray flat, int from, int length) {
        return flat.get(new NDIndex("{}:{}", from, from + length));
    }

    private static void report(long step, long rssKb, double msPerStep, double loss, double hvp) {
        System.out.printf(
                Locale.ROOT,
                "step %5d  rss %8.1f MB  heap used %6.1f of %6.1f MB  %7.2f ms/step  loss %.4f"
                        + "  |Hv| %.4f%n",
                step,
                rssKb / 1024.0,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory())
                        / 1048576.0,
                Runtime.getRuntime().totalMemory() / 1048576.0,
                msPerStep,
                loss,
                hvp);
    }

    /**
     * Growth per step from the first report (after warm-up) to the middle, and from the middle to
     * the end.
     */
    private static void summarize(List<long[]> samples, int steps) {
        long[] warm = samples.get(1);
        long[] middle = samples.get(0);
        for (long[] sample : samples) {
            if (Math.abs(sample[0] - steps / 2) < Math.abs(middle[0] - steps / 2)) {
                middle = sample;
            }
        }
        long[] end = samples.get(samples.size() - 1);
        System.out.printf(
                Locale.ROOT,
                "growth, first half  (steps %d-%d): %+.2f kB/step%n",
                warm[0],
                middle[0],
                perStep(warm, middle));
        System.out.printf(
                Locale.ROOT,
                "growth, second half (steps %d-%d): %+.2f kB/step%n",
                middle[0],
                end[0],
                perStep(middle, end));
        System.out.printf(
                Locale.ROOT,
                "rss at step %d: %.1f MB, at step %d: %.1f MB%n",
                warm[0],
                warm[1] / 1024.0,
                end[0],
                end[1] / 1024.0);
    }

    private static double perStep(long[] from, long[] to) {
        return to[0] == from[0] ? 0 : (double) (to[1] - from[1]) / (to[0] - from[0]);
    }

    /** The resident set size in kB, from {@code /proc/self/status} (Linux only). */
    private static long residentKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}

package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WideResNetTest {

    private static final Shape CIFAR = new Shape(3, 32, 32);

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Parameters of a batch norm over {@code c} channels: scale and shift. */
    private static long bn(long c) {
        return 2 * c;
    }

    /** Parameters of a bias-free {@code k x k} convolution. */
    private static long conv(long in, long out, long k) {
        return in * out * k * k;
    }

    /** A pre-activation block; a 1x1 projection when the channels change. */
    private static long block(long in, long out) {
        return bn(in) + conv(in, out, 3) + bn(out) + conv(out, out, 3) + (in == out ? 0 : in * out);
    }

    /**
     * Oracle: the counts written out by hand from the architecture (and the published 0.175M, 0.69M
     * and 2.2M), not from the layers' own parameterCount.
     */
    @Test
    void parameterCountsMatchTheHandCount() {
        // WRN-16-1: n = 2, widths 16, 32, 64.
        long stem = conv(3, 16, 3); // 432
        assertEquals(432, stem);
        long group1 = 2 * block(16, 16); // identity shortcut: 2 x (32 + 2,304 + 32 + 2,304) = 9,344
        long group2 = block(16, 32) + block(32, 32); // 14,432 + 18,560 = 32,992
        long group3 = block(32, 64) + block(64, 64); // 57,536 + 73,984 = 131,520
        long head = bn(64) + 64 * 10 + 10; // 128 + 650
        assertEquals(9_344, group1);
        assertEquals(32_992, group2);
        assertEquals(131_520, group3);
        assertEquals(175_066, stem + group1 + group2 + group3 + head);
        assertEquals(175_066, WideResNet.create(CIFAR, 16, 1, 10).parameterCount());

        // WRN-16-2: n = 2, widths 32, 64, 128; the first block now projects 16 -> 32.
        long wideGroup1 = block(16, 32) + block(32, 32); // 14,432 + 18,560
        long wideGroup2 = block(32, 64) + block(64, 64); // 57,536 + 73,984
        long wideGroup3 = block(64, 128) + block(128, 128); // 229,760 + 295,424
        long wideHead = bn(128) + 128 * 10 + 10; // 256 + 1,290
        assertEquals(32_992, wideGroup1);
        assertEquals(131_520, wideGroup2);
        assertEquals(525_184, wideGroup3);
        long wide = stem + wideGroup1 + wideGroup2 + wideGroup3 + wideHead;
        assertEquals(691_674, wide);
        assertEquals(691_674, WideResNet.create(CIFAR, 16, 2, 10).parameterCount());

        // WRN-40-2: n = 6.
        long deep =
                432
                        + block(16, 32)
                        + 5 * block(32, 32)
                        + block(32, 64)
                        + 5 * block(64, 64)
                        + block(64, 128)
                        + 5 * block(128, 128)
                        + 256
                        + 1_290;
        assertEquals(2_243_546, deep);
        assertEquals(2_243_546, WideResNet.create(CIFAR, 40, 2, 10).parameterCount());
        // One grey channel changes only the stem: 1 * 16 * 9 = 144.
        assertEquals(
                175_066 - 432 + 144,
                WideResNet.create(new Shape(1, 28, 28), 16, 1, 10).parameterCount());
    }

    @Test
    void namesLayersAndBuffersUniquely() {
        WideResNet wrn = WideResNet.create(CIFAR, 16, 1, 10);
        assertEquals(
                List.of(
                        "conv",
                        "group1_block1",
                        "group1_block2",
                        "group2_block1",
                        "group2_block2",
                        "group3_block1",
                        "group3_block2",
                        "bn",
                        "relu",
                        "pool",
                        "fc"),
                wrn.network().layers().stream().map(Sequential.Entry::name).toList());
        assertEquals(
                List.of("group1_block2", "group2_block2", "group3_block2"), wrn.groupOutputs());
        List<String> names = new ArrayList<>();
        wrn.newState(manager).names().forEach(names::add);
        // Two batch norms per block, six blocks, one at the end; two buffers each.
        assertEquals(2 * (2 * 6 + 1), names.size());
        assertEquals("group1_block1.bn1.running_mean", names.get(0));
        assertTrue(names.contains("group3_block2.bn2.running_var"), names.toString());
        assertEquals("bn.running_var", names.get(names.size() - 1));
    }

    /** Oracle: strides 1, 2, 2 and widths 16k, 32k, 64k from the architecture. */
    @Test
    void outputAndFeatureShapesFollowTheInput() {
        WideResNet cifar = WideResNet.create(CIFAR, 16, 1, 10);
        assertEquals(new Shape(10), cifar.outputShape());
        NDArray x = manager.randomUniform(-1, 1, new Shape(2, 3, 32, 32));
        NDList out =
                cifar.forwardWithFeatures(
                        cifar.initialParameters(manager, 1), x, cifar.newState(manager), true);
        assertEquals(
                List.of(
                        new Shape(2, 10),
                        new Shape(2, 16, 32, 32),
                        new Shape(2, 32, 16, 16),
                        new Shape(2, 64, 8, 8)),
                Arrays.asList(out.getShapes()));

        WideResNet fashion = WideResNet.create(new Shape(1, 28, 28), 16, 2, 7);
        NDArray g = manager.randomUniform(0, 1, new Shape(3, 1, 28, 28));
        NDList f =
                fashion.forwardWithFeatures(
                        fashion.initialParameters(manager, 2), g, fashion.newState(manager), false);
        assertEquals(
                List.of(
                        new Shape(3, 7),
                        new Shape(3, 32, 28, 28),
                        new Shape(3, 64, 14, 14),
                        new Shape(3, 128, 7, 7)),
                Arrays.asList(f.getShapes()));
    }

    /** The parameters {@code [from, to)} of {@code w} followed by those of {@code more}. */
    private static double[] concat(double[] w, long from, long to, double[]... more) {
        double[] head = Arrays.copyOfRange(w, (int) from, (int) to);
        for (double[] m : more) {
            double[] joined = Arrays.copyOf(head, head.length + m.length);
            System.arraycopy(m, 0, joined, head.length, m.length);
            head = joined;
        }
        return head;
    }

    /** The top-level layers {@code [from, to)} of {@code wrn} as a chain of their own. */
    private static Sequential slice(WideResNet wrn, int from, int to) {
        List<Sequential.Entry> layers = wrn.network().layers().subList(from, to);
        Sequential.Builder b = Sequential.builder(layers.get(0).inputShape());
        layers.forEach(e -> b.add(e.name(), e.layer()));
        return b.build();
    }

    private NDArray run(Sequential part, double[] params, NDArray x) {
        return part.forward(manager.create(params), x, part.newState(manager), true);
    }

    private static double[] parameters(WideResNet wrn, int from, int to, double[] w) {
        List<Sequential.Entry> layers = wrn.network().layers();
        Sequential.Entry last = layers.get(to - 1);
        return concat(w, layers.get(from).offset(), last.offset() + last.parameterCount());
    }

    /**
     * Oracle: each returned feature is what the corresponding stretch of layers (two blocks per
     * group in WRN-16-1), run on its own with the same parameters, makes of the previous one;
     * training-mode batch norm, float64, tolerance 1e-10.
     */
    @Test
    void featuresAreTheGroupOutputs() {
        WideResNet wrn = WideResNet.create(new Shape(3, 8, 8), 16, 1, 5);
        double[] w = Arrays64.values(wrn.initialParameters(manager, 7));
        perturbBatchNorm(wrn, w, new SplittableRandom(8));
        NDArray x = manager.create(Arrays64.random(9, 4 * 3 * 64), new Shape(4, 3, 8, 8));
        NDList out = wrn.forwardWithFeatures(manager.create(w), x, wrn.newState(manager), true);
        assertEquals(4, out.size());
        // layers: conv 0, group1 1-2, group2 3-4, group3 5-6, bn relu pool fc 7-10
        int[][] stretches = {{0, 3}, {3, 5}, {5, 7}, {7, 11}};
        NDArray input = x;
        for (int s = 0; s < 4; s++) {
            int from = stretches[s][0];
            int to = stretches[s][1];
            NDArray expected = run(slice(wrn, from, to), parameters(wrn, from, to, w), input);
            NDArray actual = s == 3 ? out.get(0) : out.get(s + 1);
            Arrays64.assertClose(Arrays64.values(expected), actual, 1e-10);
            input = actual;
        }
        NDArray plain = wrn.forward(manager.create(w), x, wrn.newState(manager), true);
        Arrays64.assertClose(Arrays64.values(plain), out.get(0), 0);
    }

    @Test
    void unknownFeatureLayersAreRejectedNamingTheChoices() {
        WideResNet wrn = WideResNet.create(new Shape(1, 4, 4), 10, 1, 2);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                wrn.network()
                                        .forwardWithOutputs(
                                                wrn.initialParameters(manager, 0),
                                                manager.zeros(new Shape(2, 1, 4, 4)),
                                                wrn.newState(manager),
                                                false,
                                                List.of("group1_block1", "group4_block1")));
        assertTrue(e.getMessage().contains("[group4_block1]"), e.getMessage());
        assertTrue(e.getMessage().contains("group3_block1, bn"), e.getMessage());
    }

    /**
     * Oracle: with both convolutions of a block zero, its main path is zero and the block outputs
     * its shortcut: the input itself (identity), or {@code conv1x1(relu(bn1(input)))} computed by
     * separate layers (projection).
     */
    @Test
    void blockWithZeroConvolutionsReducesToItsShortcut() {
        WideResNet wrn = WideResNet.create(new Shape(3, 8, 8), 10, 1, 5);
        double[] w = Arrays64.values(wrn.initialParameters(manager, 11));
        perturbBatchNorm(wrn, w, new SplittableRandom(12));
        for (String block : List.of("group1_block1", "group2_block1")) {
            Sequential.Entry e = entry(wrn, block);
            for (Sequential.Entry part : ((Residual) e.layer()).parts(e.inputShape())) {
                if (part.name().equals("conv1") || part.name().equals("conv2")) {
                    long from = e.offset() + part.offset();
                    Arrays.fill(w, (int) from, (int) (from + part.parameterCount()), 0);
                }
            }
        }
        NDArray x = manager.create(Arrays64.random(13, 4 * 3 * 64), new Shape(4, 3, 8, 8));
        NDList out = wrn.forwardWithFeatures(manager.create(w), x, wrn.newState(manager), true);

        Sequential stem = slice(wrn, 0, 1);
        NDArray stemOut = run(stem, parameters(wrn, 0, 1, w), x);
        Arrays64.assertClose(Arrays64.values(stemOut), out.get(1), 1e-12);

        Sequential.Entry projecting = entry(wrn, "group2_block1");
        List<Sequential.Entry> parts = ((Residual) projecting.layer()).parts(new Shape(16, 8, 8));
        Sequential.Entry bn1 = parts.get(0);
        Sequential.Entry shortcut = parts.get(parts.size() - 1);
        assertEquals("shortcut_conv1", shortcut.name());
        Sequential oracle =
                Sequential.builder(new Shape(16, 8, 8))
                        .add(BatchNorm.of())
                        .add(Activations.relu())
                        .add(Conv2d.of(32, 1).stride(2).noBias())
                        .build();
        long base = projecting.offset();
        double[] oracleParams =
                concat(
                        w,
                        base + bn1.offset(),
                        base + bn1.offset() + bn1.parameterCount(),
                        concat(
                                w,
                                base + shortcut.offset(),
                                base + shortcut.offset() + shortcut.parameterCount()));
        NDArray expected = run(oracle, oracleParams, out.get(1));
        Arrays64.assertClose(Arrays64.values(expected), out.get(2), 1e-12);
    }

    private static Sequential.Entry entry(WideResNet wrn, String name) {
        return wrn.network().layers().stream()
                .filter(e -> e.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /**
     * Moves every batch-norm scale and shift off (1, 0) so that their gradients are generic; the
     * ranges are found through {@link Residual#parts}.
     */
    private static void perturbBatchNorm(WideResNet wrn, double[] w, SplittableRandom r) {
        for (long[] range : ranges(wrn, true)) {
            for (long i = range[0]; i < range[1]; i++) {
                w[(int) i] += 0.5 * (r.nextDouble() - 0.5);
            }
        }
    }

    /** Parameter ranges {@code [from, to)} of every batch norm ({@code bnOnly}) or every part. */
    private static List<long[]> ranges(WideResNet wrn, boolean bnOnly) {
        List<long[]> out = new ArrayList<>();
        for (Sequential.Entry e : wrn.network().layers()) {
            List<Sequential.Entry> parts =
                    e.layer() instanceof Residual res ? res.parts(e.inputShape()) : List.of(e);
            long base = e.layer() instanceof Residual ? e.offset() : 0;
            for (Sequential.Entry p : parts) {
                if (p.parameterCount() > 0 && (!bnOnly || p.layer() instanceof BatchNorm)) {
                    long from = base + p.offset();
                    out.add(new long[] {from, from + p.parameterCount()});
                }
            }
        }
        return out;
    }

    // ---- gradient check ----

    private static NDArray loss(WideResNet wrn, NDArray params, NDArray x, NDArray oneHot) {
        // A fresh state per evaluation: training-mode outputs never read it.
        NDArray logits = wrn.forward(params, x, wrn.newState(params.getManager()), true);
        return logits.logSoftmax(1).mul(oneHot).sum().neg().div(logits.getShape().get(0));
    }

    private double lossAt(WideResNet wrn, double[] w, NDArray x, NDArray oneHot) {
        try (NDManager step = manager.newSubManager()) {
            return loss(wrn, step.create(w), x, oneHot).getDouble();
        }
    }

    private double centralDifference(
            WideResNet wrn, double[] w, double[] direction, double h, NDArray x, NDArray y) {
        double[] plus = w.clone();
        double[] minus = w.clone();
        for (int i = 0; i < w.length; i++) {
            plus[i] += h * direction[i];
            minus[i] -= h * direction[i];
        }
        return (lossAt(wrn, plus, x, y) - lossAt(wrn, minus, x, y)) / (2 * h);
    }

    /**
     * WRN-10-1 on 8x8x3 inputs, batch 4, training-mode batch norm, float64: eight random
     * coordinates of every convolution, batch norm and the linear layer (inside blocks too), and
     * two random unit directions, against central finite differences.
     *
     * <p>Tolerance: relative error {@code ||fd - ad|| / ||ad|| <= 1e-6}. A coordinate whose
     * differences at steps h and h/2 disagree straddles a ReLU kink and is excluded; at most a
     * tenth may be.
     */
    @Test
    void gradientMatchesFiniteDifferences() {
        WideResNet wrn = WideResNet.create(new Shape(3, 8, 8), 10, 1, 5);
        int n = (int) wrn.parameterCount();
        SplittableRandom r = new SplittableRandom(21);
        double[] w = Arrays64.values(wrn.initialParameters(manager, 22));
        perturbBatchNorm(wrn, w, r);
        int batch = 4;
        NDArray x = manager.create(Arrays64.random(23, batch * 3 * 64), new Shape(batch, 3, 8, 8));
        double[] labels = new double[batch * 5];
        for (int b = 0; b < batch; b++) {
            labels[b * 5 + r.nextInt(5)] = 1;
        }
        NDArray y = manager.create(labels, new Shape(batch, 5));

        double[] ad;
        try (NDManager step = manager.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray params = step.create(w);
            params.setRequiresGradient(true);
            gc.backward(loss(wrn, params, x, y));
            NDArray g = params.getGradient();
            assertEquals(DataType.FLOAT64, g.getDataType());
            ad = g.toDoubleArray();
        }

        List<long[]> parts = ranges(wrn, false);
        // stem, 4 per identity block, 5 per projecting block (2), final bn, fc
        assertEquals(1 + 4 + 5 + 5 + 1 + 1, parts.size());
        double h = 1e-5;
        double sq = 0;
        double adSq = 0;
        int checked = 0;
        int excluded = 0;
        for (long[] range : parts) {
            for (int k = 0; k < 8; k++) {
                int i = (int) (range[0] + r.nextLong(range[1] - range[0]));
                double[] e = new double[n];
                e[i] = 1;
                double fd = centralDifference(wrn, w, e, h, x, y);
                double fdHalf = centralDifference(wrn, w, e, h / 2, x, y);
                if (Math.abs(fd - fdHalf) > 1e-8 + 1e-6 * Math.abs(fd)) {
                    excluded++;
                    continue;
                }
                checked++;
                sq += (fd - ad[i]) * (fd - ad[i]);
                adSq += ad[i] * ad[i];
            }
        }
        assertTrue(adSq > 0, "all checked gradient entries are zero");
        double rel = Math.sqrt(sq / adSq);
        assertTrue(rel <= 1e-6, "relative error " + rel + " over " + checked + " coordinates");
        assertTrue(excluded <= (checked + excluded) / 10, excluded + " coordinates straddle kinks");

        for (int d = 0; d < 2; d++) {
            double[] v = Arrays64.random(30 + d, n);
            double norm = Math.sqrt(Arrays.stream(v).map(t -> t * t).sum());
            double directional = 0;
            for (int i = 0; i < n; i++) {
                v[i] /= norm;
                directional += ad[i] * v[i];
            }
            double fd = centralDifference(wrn, w, v, h, x, y);
            double relDir = Math.abs(fd - directional) / Math.abs(directional);
            assertTrue(
                    relDir <= 1e-6,
                    "direction " + d + ": fd " + fd + " vs ad " + directional + ", rel " + relDir);
        }
    }

    /**
     * Oracle: PyTorch's default bounds, {@code 1/sqrt(fanIn)} for every convolution and the linear
     * layer, batch norm exactly (1, 0); the vector is a function of the seed alone.
     */
    @Test
    void initialisationIsDeterministicInTheSeedAndFollowsPytorchDefaults() {
        WideResNet wrn = WideResNet.create(new Shape(3, 8, 8), 10, 2, 5);
        double[] a = Arrays64.values(wrn.initialParameters(manager, 99));
        double[] b =
                Arrays64.values(
                        WideResNet.create(new Shape(3, 8, 8), 10, 2, 5)
                                .initialParameters(manager, 99));
        double[] c = Arrays64.values(wrn.initialParameters(manager, 100));
        assertTrue(Arrays.equals(a, b), "same seed, different parameters");
        assertFalse(Arrays.equals(a, c), "different seeds, same parameters");

        for (Sequential.Entry e : wrn.network().layers()) {
            List<Sequential.Entry> parts =
                    e.layer() instanceof Residual res ? res.parts(e.inputShape()) : List.of(e);
            long base = e.layer() instanceof Residual ? e.offset() : 0;
            for (Sequential.Entry p : parts) {
                int from = (int) (base + p.offset());
                int to = (int) (from + p.parameterCount());
                String where = e.name() + "/" + p.name();
                if (p.layer() instanceof BatchNorm) {
                    int half = (to - from) / 2;
                    for (int i = from; i < to; i++) {
                        assertEquals(i < from + half ? 1.0 : 0.0, a[i], where);
                    }
                } else if (p.parameterCount() > 0) {
                    // Bias-free convolutions: out * (in * k * k) weights; linear: fanIn = in.
                    long fanIn =
                            p.layer() instanceof Conv2d
                                    ? p.parameterCount() / p.outputShape().get(0)
                                    : p.inputShape().get(0);
                    double bound = 1 / Math.sqrt(fanIn);
                    double max = 0;
                    for (int i = from; i < to; i++) {
                        max = Math.max(max, Math.abs(a[i]));
                    }
                    assertTrue(max <= bound * (1 + 1e-6), where + " max " + max + " > " + bound);
                    assertTrue(max > 0.8 * bound, where + " spread " + max + " of " + bound);
                }
            }
        }
    }

    @Test
    void rejectsInvalidArchitecturesNamingEveryProblem() {
        IllegalArgumentException depth =
                assertThrows(
                        IllegalArgumentException.class, () -> WideResNet.create(CIFAR, 12, 1, 10));
        assertTrue(depth.getMessage().contains("depth 12 is not 6n + 4"), depth.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WideResNet.create(CIFAR, 4, 1, 10));
        IllegalArgumentException all =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> WideResNet.create(new Shape(3, 30, 30), 16, 0, 0));
        String m = all.getMessage();
        assertTrue(m.contains("multiples of 4"), m);
        assertTrue(m.contains("widen 0"), m);
        assertTrue(m.contains("classes 0"), m);
        assertFalse(m.contains("depth"), m);
    }
}

package org.metaforge.framework.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.autodiff.Autodiff.Tape;

/**
 * Oracles: central finite differences in float64 (of the loss for gradients, of the gradient for
 * Hessian-vector products), hand-derived Jacobians and closed-form derivatives.
 */
class TorchAutodiffTest {

    /** Relative error allowed against central differences in float64 (||a - b|| / ||b||). */
    private static final double FD_TOLERANCE = 1e-6;

    /** Step of central differences of the loss; error ~ h^2 f''' + eps f / h, about 1e-10. */
    private static final double LOSS_STEP = 1e-6;

    /** Step along a unit direction for differences of the gradient. */
    private static final double GRADIENT_STEP = 1e-5;

    /** Closed forms are exact up to float64 rounding. */
    private static final double EXACT_TOLERANCE = 1e-12;

    private NDManager manager;
    private TorchAutodiff autodiff;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        autodiff = new TorchAutodiff();
    }

    @AfterEach
    void close() {
        autodiff.close();
        manager.close();
    }

    @Test
    void gradientOfMlpMatchesCentralDifferencesOfTheLoss() {
        Mlp mlp = Mlp.random(manager, new Random(1), 8, 5, 7, 3);
        double[] w = randomVector(new Random(2), mlp.size(), 0.5);

        double[] expected = finiteDifferenceGradient(mlp, w);
        double[] actual;
        try (NDManager step = manager.newSubManager();
                Tape tape = autodiff.tape()) {
            NDArray point = autodiff.requireGradient(step.create(w));
            actual =
                    autodiff.gradient(mlp.apply(point), new NDList(point), false)
                            .get(0)
                            .toDoubleArray();
        }
        assertRelativeError(expected, actual, FD_TOLERANCE);
    }

    @Test
    void hvpOfMlpMatchesCentralDifferencesOfTheGradient() {
        Mlp mlp = Mlp.random(manager, new Random(3), 8, 5, 7, 3);
        assertHvpMatchesFiniteDifferences(mlp, mlp.size(), new Random(4));
    }

    @Test
    void hvpOfConvNetWithTrainingBatchNormMatchesCentralDifferencesOfTheGradient() {
        ConvNet net = ConvNet.random(manager, new Random(5));
        double[] w = randomVector(new Random(6), net.size(), 0.4);
        // the gradient too, since batch statistics couple every sample
        double[] expectedGradient = finiteDifferenceGradient(net, w);
        try (NDManager step = manager.newSubManager();
                Tape tape = autodiff.tape()) {
            NDArray point = autodiff.requireGradient(step.create(w));
            double[] actual =
                    autodiff.gradient(net.apply(point), new NDList(point), false)
                            .get(0)
                            .toDoubleArray();
            assertRelativeError(expectedGradient, actual, FD_TOLERANCE);
        }
        assertHvpMatchesFiniteDifferences(net, net.size(), new Random(7));
    }

    @Test
    void gradientAndHvpReturnsValueAndGradientWithoutGraphsOnTheManagerOfW() {
        Mlp mlp = Mlp.random(manager, new Random(8), 4, 3, 4, 2);
        double[] w = randomVector(new Random(9), mlp.size(), 0.5);
        try (NDManager home = manager.newSubManager()) {
            NDArray point = home.create(w);
            NDList v =
                    new NDList(
                            home.create(randomVector(new Random(10), mlp.size(), 1)),
                            home.create(randomVector(new Random(11), mlp.size(), 1)));

            NDList result = autodiff.gradientAndHvp(mlp, point, v);

            assertEquals(4, result.size());
            assertEquals(
                    mlp.apply(manager.create(w)).getDouble(), result.get(0).getDouble(), 1e-15);
            assertArrayEquals(
                    finiteDifferenceGradient(mlp, w), result.get(1).toDoubleArray(), 1e-8);
            for (NDArray array : result) {
                assertFalse(records(array), "carries a graph");
                assertSame(home, array.getManager());
            }
            // nothing else is left on home: w, the two directions and the four results
            assertEquals(7, home.getManagedArrays().size());
        }
    }

    @Test
    void vjpMatchesTheExplicitJacobian() {
        double[] xs = {0.7, -1.3, 0.4};
        double[] zs = {2.1, -0.6};
        double[] u1 = {0.5, -1.5};
        double u2 = 0.8;
        NDList vjp;
        try (Tape tape = autodiff.tape()) {
            NDArray x = autodiff.requireGradient(manager.create(xs));
            NDArray z = autodiff.requireGradient(manager.create(zs));
            // y1 = [x0 x1 + sin x2, x0^2 x2 + z0], y2 = z0 z1 x1
            NDArray y1 =
                    NDArrays.stack(
                            new NDList(
                                    x.get(0).mul(x.get(1)).add(x.get(2).sin()),
                                    x.get(0).square().mul(x.get(2)).add(z.get(0))));
            NDArray y2 = z.get(0).mul(z.get(1)).mul(x.get(1));
            vjp =
                    autodiff.vjp(
                            new NDList(y1, y2),
                            new NDList(x, z),
                            new NDList(manager.create(u1), manager.create(u2)),
                            false);
        }
        // rows of the Jacobian: d y1_0, d y1_1, d y2 with respect to (x0, x1, x2 | z0, z1)
        double[][] jacobian = {
            {xs[1], xs[0], Math.cos(xs[2]), 0, 0},
            {2 * xs[0] * xs[2], 0, xs[0] * xs[0], 1, 0},
            {0, zs[0] * zs[1], 0, zs[1] * xs[1], zs[0] * xs[1]}
        };
        double[] cotangent = {u1[0], u1[1], u2};
        double[] expected = new double[5];
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 5; col++) {
                expected[col] += cotangent[row] * jacobian[row][col];
            }
        }
        assertArrayEquals(
                new double[] {expected[0], expected[1], expected[2]},
                vjp.get(0).toDoubleArray(),
                EXACT_TOLERANCE);
        assertArrayEquals(
                new double[] {expected[3], expected[4]},
                vjp.get(1).toDoubleArray(),
                EXACT_TOLERANCE);
    }

    @Test
    void gradientWithGraphCanBeDifferentiatedAgainAndLeavesNoGradBuffer() {
        double[] xs = {0.3, -1.2, 2.0};
        double[] cs = {1.0, 2.0, -3.0};
        try (Tape tape = autodiff.tape()) {
            NDArray x = autodiff.requireGradient(manager.create(xs));
            NDArray f = x.pow(3).sum();

            NDArray g = autodiff.gradient(f, new NDList(x), true).get(0);
            // d/dx sum(x^3) = 3 x^2, and d/dx sum(c * 3 x^2) = 6 c x
            assertArrayEquals(map(xs, v -> 3 * v * v), g.toDoubleArray(), EXACT_TOLERANCE);
            assertTrue(records(g));
            NDArray second =
                    autodiff.gradient(g.mul(manager.create(cs)).sum(), new NDList(x), false).get(0);
            double[] expected = new double[3];
            for (int i = 0; i < 3; i++) {
                expected[i] = 6 * cs[i] * xs[i];
            }
            assertArrayEquals(expected, second.toDoubleArray(), EXACT_TOLERANCE);
            assertFalse(records(second));

            // repeated calls do not accumulate
            NDArray again = autodiff.gradient(f, new NDList(x), false).get(0);
            assertArrayEquals(g.toDoubleArray(), again.toDoubleArray(), 0);
            assertNull(JniUtils.getGradient((PtNDArray) x), "the leaf got a .grad buffer");

            // without a graph the gradient is a constant: its own derivative is zero
            NDArray flat = autodiff.gradient(f, new NDList(x), false).get(0);
            assertFalse(records(flat));
            NDArray none = autodiff.gradient(flat.sum(), new NDList(x), false).get(0);
            assertArrayEquals(new double[3], none.toDoubleArray(), 0);
        }
    }

    @Test
    void unusedInputsGetZerosShapedLikeThemOnTheirOwnManager() {
        try (NDManager other = manager.newSubManager();
                Tape tape = autodiff.tape()) {
            NDArray x = autodiff.requireGradient(manager.create(new double[] {1, 2}));
            NDArray unused =
                    autodiff.requireGradient(other.ones(new Shape(2, 3), DataType.FLOAT64));
            NDList grads = autodiff.gradient(x.square().sum(), new NDList(x, unused), false);

            assertArrayEquals(new double[] {2, 4}, grads.get(0).toDoubleArray(), 0);
            assertEquals(new Shape(2, 3), grads.get(1).getShape());
            assertArrayEquals(new double[6], grads.get(1).toDoubleArray(), 0);
            assertSame(manager, grads.get(0).getManager());
            assertSame(other, grads.get(1).getManager());

            // an output computed outside any graph is a constant
            NDArray constant = manager.create(5.0);
            NDList zeros = autodiff.gradient(constant, new NDList(x), false);
            assertArrayEquals(new double[2], zeros.get(0).toDoubleArray(), 0);
        }
    }

    @Test
    void repeatedInputsAndAnInputUsedAsOutputAreHandled() {
        try (Tape tape = autodiff.tape()) {
            NDArray x = autodiff.requireGradient(manager.create(new double[] {1, -2}));
            x.setName("weights");
            NDList grads = autodiff.gradient(x.pow(3).sum(), new NDList(x, x), false);
            assertArrayEquals(new double[] {3, 12}, grads.get(0).toDoubleArray(), 0);
            assertArrayEquals(new double[] {3, 12}, grads.get(1).toDoubleArray(), 0);

            NDArray u = manager.create(new double[] {0.25, 4});
            NDList identity = autodiff.vjp(new NDList(x), new NDList(x), new NDList(u), false);
            assertArrayEquals(u.toDoubleArray(), identity.get(0).toDoubleArray(), 0);
            assertEquals("weights", x.getName(), "the input's name was not restored");
        }
    }

    @Test
    void differentiatesWithRespectToIntermediateArrays() {
        try (Tape tape = autodiff.tape()) {
            NDArray x = autodiff.requireGradient(manager.create(new double[] {1, -2}));
            NDArray h = x.mul(3);
            NDArray y = h.square().sum();
            // d/dh sum(h^2) = 2 h = 6 x, although h is not a leaf
            NDArray dh = autodiff.gradient(y, new NDList(h), false).get(0);
            assertArrayEquals(new double[] {6, -12}, dh.toDoubleArray(), 0);
            assertTrue(records(h));
        }
    }

    @Test
    void worksInFloat32() {
        float[] xs = {0.5f, -1.5f, 2f};
        float[] vs = {1f, -2f, 0.5f};
        NDArray x = manager.create(xs);
        NDList result =
                autodiff.gradientAndHvp(w -> w.pow(3).sum(), x, new NDList(manager.create(vs)));
        // closed forms: grad = 3 x^2, H v = 6 x v; float32 keeps about 7 digits
        float[] gradient = result.get(1).toFloatArray();
        float[] hvp = result.get(2).toFloatArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(3 * xs[i] * xs[i], gradient[i], 1e-5);
            assertEquals(6 * xs[i] * vs[i], hvp[i], 1e-5);
        }
        assertEquals(DataType.FLOAT32, result.get(2).getDataType());
    }

    @Test
    void tapeRecordsAndRestoresThePreviousState() {
        boolean original = JniUtils.isGradMode();
        try {
            for (boolean before : new boolean[] {false, true}) {
                JniUtils.setGradMode(before);
                try (Tape outer = autodiff.tape()) {
                    assertTrue(JniUtils.isGradMode());
                    try (Tape inner = autodiff.tape()) {
                        assertTrue(JniUtils.isGradMode());
                    }
                    assertTrue(JniUtils.isGradMode());
                }
                assertEquals(before, JniUtils.isGradMode());
            }
        } finally {
            JniUtils.setGradMode(original);
        }
    }

    @Test
    void rejectsInputsThatDoNotRecordAndIntegerArrays() {
        NDArray plain = manager.create(new double[] {1, 2});
        IllegalArgumentException notRecorded =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> autodiff.gradient(plain.sum(), new NDList(plain), false));
        assertTrue(notRecorded.getMessage().contains("requireGradient"), notRecorded.getMessage());
        try (Tape tape = autodiff.tape()) {
            NDArray x = autodiff.requireGradient(manager.create(new double[] {1, 2}));
            IllegalArgumentException second =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> autodiff.gradient(x.sum(), new NDList(x, plain), false));
            assertTrue(second.getMessage().startsWith("inputs[1] "), second.getMessage());
        }

        IllegalArgumentException integer =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> autodiff.requireGradient(manager.create(new int[] {1, 2})));
        assertTrue(integer.getMessage().contains("floating-point"), integer.getMessage());

        IllegalArgumentException badDirection =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                autodiff.gradientAndHvp(
                                        w -> w.sum(),
                                        plain,
                                        new NDList(manager.zeros(new Shape(3)))));
        assertTrue(badDirection.getMessage().contains("shaped like w"), badDirection.getMessage());
    }

    @Test
    void refusesWorkAfterClose() {
        NDArray x = manager.create(new double[] {1, 2});
        autodiff.close();
        IllegalStateException closed =
                assertThrows(
                        IllegalStateException.class,
                        () -> autodiff.gradientAndHvp(w -> w.sum(), x, new NDList()));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    /** Whether {@code x} carries a graph (requires_grad, as libtorch itself reports it). */
    private boolean records(NDArray x) {
        return autodiff.recording(new NDList(x))[0];
    }

    private void assertHvpMatchesFiniteDifferences(
            Function<NDArray, NDArray> f, int size, Random random) {
        double[] w = randomVector(random, size, 0.5);
        double[][] directions = {
            unit(randomVector(random, size, 1)), unit(randomVector(random, size, 1))
        };
        NDList result;
        try (NDManager step = manager.newSubManager()) {
            result =
                    autodiff.gradientAndHvp(
                            f,
                            step.create(w),
                            new NDList(step.create(directions[0]), step.create(directions[1])));
            for (int d = 0; d < directions.length; d++) {
                // H v ~ (grad(w + h v) - grad(w - h v)) / 2h
                double[] plus = gradientAt(f, axpy(GRADIENT_STEP, directions[d], w));
                double[] minus = gradientAt(f, axpy(-GRADIENT_STEP, directions[d], w));
                double[] expected = new double[size];
                for (int i = 0; i < size; i++) {
                    expected[i] = (plus[i] - minus[i]) / (2 * GRADIENT_STEP);
                }
                assertRelativeError(expected, result.get(2 + d).toDoubleArray(), FD_TOLERANCE);
            }
        }
    }

    private double[] gradientAt(Function<NDArray, NDArray> f, double[] w) {
        try (NDManager step = manager.newSubManager();
                Tape tape = autodiff.tape()) {
            NDArray point = autodiff.requireGradient(step.create(w));
            return autodiff.gradient(f.apply(point), new NDList(point), false)
                    .get(0)
                    .toDoubleArray();
        }
    }

    private double[] finiteDifferenceGradient(Function<NDArray, NDArray> f, double[] w) {
        double[] gradient = new double[w.length];
        try (NDManager step = manager.newSubManager()) {
            for (int i = 0; i < w.length; i++) {
                double[] plus = w.clone();
                double[] minus = w.clone();
                plus[i] += LOSS_STEP;
                minus[i] -= LOSS_STEP;
                gradient[i] =
                        (f.apply(step.create(plus)).getDouble()
                                        - f.apply(step.create(minus)).getDouble())
                                / (2 * LOSS_STEP);
            }
        }
        return gradient;
    }

    private static void assertRelativeError(double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            difference += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            norm += expected[i] * expected[i];
        }
        double relative = Math.sqrt(difference / norm);
        assertTrue(norm > 0, "the oracle is zero: the check would be vacuous");
        assertTrue(relative <= tolerance, "relative error " + relative + " exceeds " + tolerance);
    }

    private static double[] randomVector(Random random, int size, double scale) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = scale * random.nextGaussian();
        }
        return v;
    }

    private static double[] unit(double[] v) {
        double squares = 0;
        for (double x : v) {
            squares += x * x;
        }
        double norm = Math.sqrt(squares);
        return map(v, x -> x / norm);
    }

    private static double[] axpy(double a, double[] x, double[] y) {
        double[] result = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            result[i] = a * x[i] + y[i];
        }
        return result;
    }

    private static double[] map(double[] v, java.util.function.DoubleUnaryOperator op) {
        double[] result = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            result[i] = op.applyAsDouble(v[i]);
        }
        return result;
    }

    private static NDArray slice(NDArray flat, int from, int length) {
        return flat.get(new NDIndex("{}:{}", from, from + length));
    }

    private static NDArray oneHot(NDManager manager, Random random, int batch, int classes) {
        double[] labels = new double[batch * classes];
        for (int b = 0; b < batch; b++) {
            labels[b * classes + random.nextInt(classes)] = 1;
        }
        return manager.create(labels, new Shape(batch, classes));
    }

    /** Two-layer tanh MLP with softmax cross-entropy; all weights sliced from one flat vector. */
    private record Mlp(NDArray x, NDArray labels, int in, int hidden, int out)
            implements Function<NDArray, NDArray> {

        static Mlp random(
                NDManager manager, Random random, int batch, int in, int hidden, int out) {
            NDArray x = manager.create(randomVector(random, batch * in, 1), new Shape(batch, in));
            return new Mlp(x, oneHot(manager, random, batch, out), in, hidden, out);
        }

        int size() {
            return in * hidden + hidden + hidden * out + out;
        }

        @Override
        public NDArray apply(NDArray w) {
            int at = 0;
            NDArray w1 = slice(w, at, in * hidden).reshape(in, hidden);
            at += in * hidden;
            NDArray b1 = slice(w, at, hidden);
            at += hidden;
            NDArray w2 = slice(w, at, hidden * out).reshape(hidden, out);
            at += hidden * out;
            NDArray b2 = slice(w, at, out);
            NDArray logits = x.matMul(w1).add(b1).tanh().matMul(w2).add(b2);
            return crossEntropy(logits, labels);
        }
    }

    /**
     * Conv 2->3 channels (3x3) on 6x6 images, batch norm with batch statistics (training mode),
     * tanh, linear to 4 classes; all weights sliced from one flat float64 vector.
     */
    private record ConvNet(NDArray x, NDArray labels) implements Function<NDArray, NDArray> {
        static final int BATCH = 6;
        static final int IN = 2;
        static final int CHANNELS = 3;
        static final int SIDE = 6;
        static final int FEATURES = CHANNELS * (SIDE - 2) * (SIDE - 2);
        static final int CLASSES = 4;

        static ConvNet random(NDManager manager, Random random) {
            NDArray x =
                    manager.create(
                            randomVector(random, BATCH * IN * SIDE * SIDE, 1),
                            new Shape(BATCH, IN, SIDE, SIDE));
            return new ConvNet(x, oneHot(manager, random, BATCH, CLASSES));
        }

        int size() {
            return CHANNELS * IN * 9 + 3 * CHANNELS + FEATURES * CLASSES + CLASSES;
        }

        @Override
        public NDArray apply(NDArray w) {
            int at = 0;
            NDArray kernel = slice(w, at, CHANNELS * IN * 9).reshape(CHANNELS, IN, 3, 3);
            at += CHANNELS * IN * 9;
            NDArray bias = slice(w, at, CHANNELS);
            at += CHANNELS;
            NDArray gamma = slice(w, at, CHANNELS).reshape(1, CHANNELS, 1, 1);
            at += CHANNELS;
            NDArray beta = slice(w, at, CHANNELS).reshape(1, CHANNELS, 1, 1);
            at += CHANNELS;
            NDArray dense = slice(w, at, FEATURES * CLASSES).reshape(FEATURES, CLASSES);
            at += FEATURES * CLASSES;
            NDArray denseBias = slice(w, at, CLASSES);

            NDArray conv =
                    Conv2d.conv2d(x, kernel, bias, new Shape(1, 1), new Shape(0, 0))
                            .singletonOrThrow();
            // batch norm, training mode: statistics of this batch over (N, H, W)
            NDArray centered = conv.sub(meanOverBatchAndSpace(conv));
            NDArray variance = meanOverBatchAndSpace(centered.square());
            NDArray normalized = centered.div(variance.add(1e-5).sqrt());
            NDArray features = normalized.mul(gamma).add(beta).tanh().reshape(BATCH, FEATURES);
            return crossEntropy(features.matMul(dense).add(denseBias), labels);
        }
    }

    /** Mean over axes 0, 2, 3, kept; this engine's mean takes one axis at a time. */
    private static NDArray meanOverBatchAndSpace(NDArray x) {
        return x.mean(new int[] {0}, true).mean(new int[] {2}, true).mean(new int[] {3}, true);
    }

    private static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return logits.logSoftmax(1).mul(labels).sum().neg().div(logits.getShape().get(0));
    }
}

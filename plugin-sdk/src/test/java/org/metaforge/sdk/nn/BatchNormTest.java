package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchNormTest {

    private static final double EPS = 1e-5;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Per-channel mean of x (B, C, S) flattened, S = spatial size. */
    private static double[] channelMean(double[] x, int batch, int c, int s) {
        double[] m = new double[c];
        for (int b = 0; b < batch; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < s; i++) {
                    m[ch] += x[(b * c + ch) * s + i];
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            m[ch] /= batch * s;
        }
        return m;
    }

    /** Per-channel biased variance. */
    private static double[] channelVar(double[] x, double[] mean, int batch, int c, int s) {
        double[] v = new double[c];
        for (int b = 0; b < batch; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < s; i++) {
                    double d = x[(b * c + ch) * s + i] - mean[ch];
                    v[ch] += d * d;
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            v[ch] /= batch * s;
        }
        return v;
    }

    private static double[] normalise(
            double[] x, double[] mean, double[] var, double[] p, int batch, int c, int s) {
        double[] y = new double[x.length];
        for (int b = 0; b < batch; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < s; i++) {
                    int k = (b * c + ch) * s + i;
                    y[k] = (x[k] - mean[ch]) / Math.sqrt(var[ch] + EPS) * p[ch] + p[c + ch];
                }
            }
        }
        return y;
    }

    /**
     * Oracle: Java loops for batch statistics, and PyTorch's update rule (momentum 0.1, unbiased
     * running variance) applied by hand over two steps; tolerance 1e-12 on float64 outputs, 1e-6 on
     * the float32 running statistics.
     */
    @Test
    void trainingUsesBatchStatisticsAndUpdatesRunningStatistics2d() {
        int batch = 3;
        int c = 2;
        int h = 2;
        int w = 3;
        int s = h * w;
        int n = batch * s;
        Sequential model = Arrays64.single(new Shape(c, h, w), BatchNorm.of());
        ModelState state = model.newState(manager);
        double[] p = Arrays64.random(5, 2 * c);
        NDArray params = manager.create(p);
        double[] runMean = {0, 0};
        double[] runVar = {1, 1};
        for (int step = 0; step < 2; step++) {
            double[] x = Arrays64.random(10 + step, batch * c * s);
            for (int i = 0; i < x.length; i++) {
                x[i] = 3 * x[i] + 2 + step; // keeps the statistics away from the initial ones
            }
            double[] mean = channelMean(x, batch, c, s);
            double[] var = channelVar(x, mean, batch, c, s);
            NDArray y =
                    model.forward(
                            params, manager.create(x, new Shape(batch, c, h, w)), state, true);
            Arrays64.assertClose(normalise(x, mean, var, p, batch, c, s), y, 1e-12);
            for (int ch = 0; ch < c; ch++) {
                runMean[ch] = 0.9 * runMean[ch] + 0.1 * mean[ch];
                runVar[ch] = 0.9 * runVar[ch] + 0.1 * var[ch] * n / (n - 1);
            }
            Arrays64.assertClose(runMean, state.get("bn1.running_mean"), 1e-6);
            Arrays64.assertClose(runVar, state.get("bn1.running_var"), 1e-6);
        }
        assertEquals(DataType.FLOAT32, state.get("bn1.running_var").getDataType());
        assertTrue(!state.get("bn1.running_var").hasGradient());
    }

    /** Oracle: Java loops normalising with the given running statistics; tolerance 1e-6. */
    @Test
    void evalUsesRunningStatisticsAndLeavesStateAlone() {
        int batch = 2;
        int c = 3;
        int s = 4;
        Sequential model = Arrays64.single(new Shape(c, 2, 2), BatchNorm.of());
        ModelState state = model.newState(manager);
        double[] runMean = {0.5, -1, 2};
        double[] runVar = {0.25, 4, 1.5};
        state.put("bn1.running_mean", manager.create(new float[] {0.5f, -1, 2}));
        state.put("bn1.running_var", manager.create(new float[] {0.25f, 4, 1.5f}));
        double[] p = Arrays64.random(6, 2 * c);
        double[] x = Arrays64.random(7, batch * c * s);
        NDArray y =
                model.forward(
                        manager.create(p),
                        manager.create(x, new Shape(batch, c, 2, 2)),
                        state,
                        false);
        Arrays64.assertClose(normalise(x, runMean, runVar, p, batch, c, s), y, 1e-6);
        Arrays64.assertClose(runMean, state.get("bn1.running_mean"), 0);
        Arrays64.assertClose(runVar, state.get("bn1.running_var"), 0);
    }

    /**
     * Oracle: the same Java loops with a spatial size of one (BatchNorm1d over features); tolerance
     * 1e-12 (outputs) and 1e-6 (float32 running statistics).
     */
    @Test
    void normalisesFeatures1d() {
        int batch = 5;
        int d = 3;
        Sequential model = Arrays64.single(new Shape(d), BatchNorm.of());
        ModelState state = model.newState(manager);
        double[] p = Arrays64.random(8, 2 * d);
        double[] x = Arrays64.random(9, batch * d);
        double[] mean = channelMean(x, batch, d, 1);
        double[] var = channelVar(x, mean, batch, d, 1);
        NDArray y =
                model.forward(
                        manager.create(p), manager.create(x, new Shape(batch, d)), state, true);
        Arrays64.assertClose(normalise(x, mean, var, p, batch, d, 1), y, 1e-12);
        double[] runVar = new double[d];
        double[] runMean = new double[d];
        for (int i = 0; i < d; i++) {
            runMean[i] = 0.1 * mean[i];
            runVar[i] = 0.9 + 0.1 * var[i] * batch / (batch - 1);
        }
        Arrays64.assertClose(runMean, state.get("bn1.running_mean"), 1e-6);
        Arrays64.assertClose(runVar, state.get("bn1.running_var"), 1e-6);
    }

    /**
     * Oracle: the composed form (checked against Java loops above). Over two training steps in
     * float64, the engine's kernel gives the same outputs (1e-12), the same gradients of a random
     * projection of the output with respect to the input and the parameters (1e-10) and the same
     * float32 running statistics (1e-6); then an eval step through those statistics (1e-6).
     */
    @Test
    void fusedKernelMatchesTheComposedForm() {
        Shape sample = new Shape(3, 2, 2);
        Sequential composed = Arrays64.single(sample, BatchNorm.of());
        Sequential fused = Arrays64.single(sample, BatchNorm.of().fusedKernel());
        ModelState sc = composed.newState(manager);
        ModelState sf = fused.newState(manager);
        double[] p = Arrays64.random(3, 6);
        for (int step = 0; step < 3; step++) {
            boolean training = step < 2;
            double[] x = Arrays64.random(20 + step, 4 * 12);
            for (int i = 0; i < x.length; i++) {
                x[i] = 2 * x[i] - 1 + step;
            }
            double[] r = Arrays64.random(30 + step, 4 * 12);
            double[][] a = outputAndGradients(composed, sc, p, x, r, training);
            double[][] b = outputAndGradients(fused, sf, p, x, r, training);
            // In eval mode both read the float32 running statistics, which differ in their last
            // bits (DJL hands the kernel its momentum as a float: 0.1 becomes 0.100000024).
            double tol = training ? 1e-12 : 1e-6;
            for (int k = 0; k < 3; k++) {
                Arrays64.assertClose(a[k], manager.create(b[k]), k == 0 ? tol : 100 * tol);
            }
            for (String buffer : new String[] {"bn1.running_mean", "bn1.running_var"}) {
                Arrays64.assertClose(Arrays64.values(sc.get(buffer)), sf.get(buffer), 1e-6);
                assertEquals(DataType.FLOAT32, sf.get(buffer).getDataType());
            }
        }
        assertTrue(BatchNorm.of().fusedKernel().toString().contains("fused"));
    }

    /** Output, gradient with respect to the input, and to the parameters, of sum(r * y). */
    private double[][] outputAndGradients(
            Sequential model, ModelState state, double[] p, double[] x, double[] r, boolean train) {
        NDArray params = manager.create(p);
        NDArray input = manager.create(x, new Shape(4, 3, 2, 2));
        params.setRequiresGradient(true);
        input.setRequiresGradient(true);
        double[] y;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = model.forward(params, input, state, train);
            y = Arrays64.values(out);
            gc.backward(out.mul(manager.create(r, out.getShape())).sum());
        }
        return new double[][] {
            y, Arrays64.values(input.getGradient()), Arrays64.values(params.getGradient())
        };
    }

    /** The running statistics must not leak into a training-mode output. */
    @Test
    void trainingOutputIgnoresRunningStatistics() {
        Sequential model = Arrays64.single(new Shape(2, 2, 2), BatchNorm.of());
        NDArray params = manager.create(Arrays64.random(1, 4));
        NDArray x = manager.create(Arrays64.random(2, 16), new Shape(2, 2, 2, 2));
        ModelState fresh = model.newState(manager);
        ModelState odd = model.newState(manager);
        odd.put("bn1.running_mean", manager.create(new float[] {5, -5}));
        odd.put("bn1.running_var", manager.create(new float[] {9, 0.1f}));
        double[] a = Arrays64.values(model.forward(params, x, fresh, true));
        Arrays64.assertClose(a, model.forward(params, x, odd, true), 0);
    }

    @Test
    void rejectsSingleValuePerChannelInTraining() {
        Sequential model = Arrays64.single(new Shape(3), BatchNorm.of());
        NDArray x = manager.create(new double[] {1, 2, 3}, new Shape(1, 3));
        NDArray params = model.initialParameters(manager, 0);
        ModelState state = model.newState(manager);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> model.forward(params, x, state, true));
        assertTrue(e.getMessage().contains("more than one value"), e.getMessage());
        assertEquals(new Shape(1, 3), model.forward(params, x, state, false).getShape());
    }

    /** Oracle: PyTorch's defaults, weight one and bias zero. */
    @Test
    void initialisesToIdentityAffineMap() {
        Sequential model = Arrays64.single(new Shape(3, 4, 4), BatchNorm.of());
        Arrays64.assertClose(
                new double[] {1, 1, 1, 0, 0, 0}, model.initialParameters(manager, 42), 0);
    }
}

package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;
import org.metaforge.sdk.testkit.LearnerConformance;
import org.metaforge.sdk.testkit.SyntheticImages;
import org.metaforge.sdk.testkit.TestRunContext;

class SgdHdLearnerTest {

    private static final LabeledImages TRAIN =
            SyntheticImages.bands("bands/train", 400, 4, 12, 12, 1);
    private static final LabeledImages TEST =
            SyntheticImages.bands("bands/test", 200, 4, 12, 12, 2);
    private static final Task TASK = new Task(TRAIN, TEST, "test");
    private static final ConfigSchema<SgdHdConfig> SCHEMA = ConfigSchema.of(SgdHdConfig.class);

    /** f(theta) = 1/2 theta' A theta - b' theta, A symmetric positive definite, in float64. */
    private static final class Quadratic {
        final double[][] a;
        final double[] b;

        Quadratic(int n, long seed) {
            Random r = new Random(seed);
            double[][] m = new double[n][n];
            for (double[] row : m) {
                for (int j = 0; j < n; j++) {
                    row[j] = r.nextGaussian();
                }
            }
            a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = i == j ? 1 : 0;
                    for (int k = 0; k < n; k++) {
                        s += m[k][i] * m[k][j];
                    }
                    a[i][j] = s / n;
                }
            }
            b = new double[n];
            for (int i = 0; i < n; i++) {
                b[i] = r.nextGaussian();
            }
        }

        double value(double[] t) {
            double v = 0;
            for (int i = 0; i < t.length; i++) {
                for (int j = 0; j < t.length; j++) {
                    v += 0.5 * t[i] * a[i][j] * t[j];
                }
                v -= b[i] * t[i];
            }
            return v;
        }

        double[] gradient(double[] t) {
            double[] g = new double[t.length];
            for (int i = 0; i < t.length; i++) {
                g[i] = -b[i];
                for (int j = 0; j < t.length; j++) {
                    g[i] += a[i][j] * t[j];
                }
            }
            return g;
        }
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    private static double[] axpy(double[] x, double a, double[] y) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] + a * y[i];
        }
        return out;
    }

    @Test
    void hypergradientIsMinusTheProductOfSuccessiveGradientsAndAFiniteDifference() {
        for (double mu : new double[] {0.0, 0.9}) {
            Quadratic q = new Quadratic(6, 3);
            double beta = 0.01;
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                double[] theta = new double[6];
                NDArray w = m.create(theta);
                HypergradientRule rule =
                        new HypergradientRule(0.05, beta, mu, w.zerosLike(), w.zerosLike(), false);
                // The oracle's own copy of the trajectory, in plain Java doubles.
                double alpha = 0.05;
                double[] v = new double[6];
                double[] prevTheta = null;
                double[] prevDir = null;
                double[] prevGrad = null;
                for (int t = 0; t < 8; t++) {
                    double[] g = q.gradient(theta);
                    double h;
                    try (NDManager sm = m.newSubManager()) {
                        h = rule.hypergradient(sm.create(g));
                    }
                    if (t == 0) {
                        assertEquals(0.0, h, "no previous direction at the first step");
                    } else {
                        if (mu == 0) {
                            // SGD-HD: h_t = -g_t . g_{t-1}
                            assertEquals(-dot(g, prevGrad), h, 1e-12 * Math.abs(h) + 1e-15);
                        }
                        // d f(theta_{t-1} - alpha d_{t-1}) / d alpha at alpha_{t-1}, central
                        // difference; exact up to rounding for a quadratic.
                        double eps = 1e-4;
                        double fd =
                                (q.value(axpy(prevTheta, -(alpha + eps), prevDir))
                                                - q.value(axpy(prevTheta, -(alpha - eps), prevDir)))
                                        / (2 * eps);
                        assertEquals(fd, h, 1e-8 * Math.abs(h) + 1e-10, "mu " + mu + " step " + t);
                    }
                    // the rule's step against the oracle's
                    alpha -= beta * h;
                    double[] vv = axpy(v, 0, v);
                    for (int i = 0; i < 6; i++) {
                        vv[i] = mu * v[i] + g[i];
                    }
                    double[] d = axpy(g, mu, vv);
                    prevTheta = theta;
                    prevDir = d;
                    prevGrad = g;
                    v = vv;
                    theta = axpy(theta, -alpha, d);
                    try (NDManager sm = m.newSubManager()) {
                        w.tempAttach(sm);
                        double used = rule.step(w, sm.create(g));
                        assertEquals(alpha, used, 1e-14);
                    }
                    double[] got = w.toDoubleArray();
                    for (int i = 0; i < 6; i++) {
                        assertEquals(theta[i], got[i], 1e-12);
                    }
                }
            }
        }
    }

    @Test
    void theLearningRateRisesWhenTooSmallAndFallsWhenTooLarge() {
        // f = 1/2 theta^2 (curvature 1): the best constant rate is 1. From 0.05 successive
        // gradients agree (h < 0) and the rate rises; from 1.9 they alternate and it falls.
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (double start : new double[] {0.05, 1.9}) {
                NDArray w = m.create(new double[] {5.0});
                HypergradientRule rule =
                        new HypergradientRule(start, 0.02, 0, w.zerosLike(), w.zerosLike(), false);
                double before = start;
                for (int t = 0; t < 6; t++) {
                    try (NDManager sm = m.newSubManager()) {
                        w.tempAttach(sm);
                        double lr = rule.step(w, w.duplicate());
                        if (t > 0) {
                            assertTrue(
                                    start < 1 ? lr > before : lr < before,
                                    "from " + start + ": step " + t + " lr " + lr);
                        }
                        before = lr;
                    }
                }
            }
        }
    }

    private static Map<String, Object> mlp(int epochs) {
        Map<String, Object> c = new HashMap<>();
        c.put("model", "mlp");
        c.put("hidden", List.of(16));
        c.put("epochs", epochs);
        c.put("batch-size", 32);
        c.put("lr", 0.001);
        c.put("hypergradient-lr", 0.001);
        c.put("momentum", 0.9);
        return c;
    }

    @Test
    void conformsLearnsAndRaisesATooSmallLearningRate() {
        RunResult r = LearnerConformance.check(new SgdHdLearner(), mlp(3), TASK);
        assertTrue(r.metric("test_accuracy") > 0.9, "accuracy " + r.metric("test_accuracy"));
        double[] lrs = r.plots().get("lr-trajectory").series().get(0).y();
        assertEquals(3 * (400 / 32 + 1), lrs.length);
        assertEquals(0.001, lrs[0], 0.0, "the first step has no hypergradient");
        assertTrue(r.metric("final_lr") > 0.01, "final lr " + r.metric("final_lr"));
        assertEquals(r.metric("final_lr"), lrs[lrs.length - 1]);
    }

    @Test
    void resumesFromItsEpochCheckpointWithIdenticalResults() {
        SgdHdConfig three = SCHEMA.bind(mlp(3), "t");
        RunResult straight;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            straight = new SgdHdLearner().fit(TestRunContext.simple(m, 9), three, TASK);
        }
        Map<String, byte[]> checkpoints = new HashMap<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TestRunContext ctx =
                    new TestRunContext(m, 9, new FirstOrderAutodiff(), null, checkpoints);
            StoppingContext stop = new StoppingContext(ctx, 2 * (400 / 32 + 1) + 3);
            assertThrows(
                    java.util.concurrent.CancellationException.class,
                    () -> new SgdHdLearner().fit(stop, three, TASK));
        }
        RunResult resumed;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TestRunContext ctx =
                    new TestRunContext(m, 9, new FirstOrderAutodiff(), null, checkpoints);
            resumed = new SgdHdLearner().fit(ctx, three, TASK);
            assertTrue(ctx.infos().get(0).contains("after epoch 2"), ctx.infos().toString());
        }
        assertEquals(straight.metrics(), resumed.metrics());
        assertEquals(straight.artifacts(), resumed.artifacts());
    }

    @Test
    void aRunawayLearningRateIsAClearFailure() {
        Map<String, Object> c = mlp(2);
        c.put("hypergradient-lr", 50.0);
        c.put("lr", 0.5);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            var e =
                    assertThrows(
                            org.metaforge.sdk.run.RunFailedException.class,
                            () ->
                                    new SgdHdLearner()
                                            .fit(
                                                    TestRunContext.simple(m, 1),
                                                    SCHEMA.bind(c, "t"),
                                                    TASK));
            assertTrue(e.getMessage().contains("lower hypergradient-lr"), e.getMessage());
        }
    }
}

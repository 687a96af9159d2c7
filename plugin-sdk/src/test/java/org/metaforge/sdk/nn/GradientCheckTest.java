package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reverse-mode gradients of a cross-entropy loss with respect to the flat parameter vector, against
 * central finite differences, all in float64.
 *
 * <p>Tolerance: relative error {@code ||fd - ad|| / ||ad|| <= 1e-6}. ReLU and max pooling have
 * kinks; a finite difference whose step straddles one is wrong through no fault of the gradient.
 * Such coordinates are recognised because their differences at steps h and h/2 disagree (on a
 * smooth piece both agree to rounding), excluded, and counted: at most a tenth of them may be.
 */
class GradientCheckTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Mean cross-entropy of the model's logits against fixed labels. */
    private static NDArray loss(
            FunctionalModel model, NDArray params, NDArray x, NDArray oneHot, ModelState state) {
        NDArray logits = model.forward(params, x, state, true);
        long batch = logits.getShape().get(0);
        return logits.logSoftmax(1).mul(oneHot).sum().neg().div(batch);
    }

    private double lossAt(
            FunctionalModel model, double[] w, NDArray x, NDArray oneHot, ModelState state) {
        try (NDManager step = manager.newSubManager()) {
            return loss(model, step.create(w), x, oneHot, state).getDouble();
        }
    }

    private double[] gradient(
            FunctionalModel model, double[] w, NDArray x, NDArray oneHot, ModelState state) {
        try (NDManager step = manager.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray params = step.create(w);
            params.setRequiresGradient(true);
            NDArray l = loss(model, params, x, oneHot, state);
            gc.backward(l);
            NDArray g = params.getGradient();
            assertEquals(DataType.FLOAT64, g.getDataType());
            return g.toDoubleArray();
        }
    }

    private NDArray oneHot(int batch, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[batch * classes];
        for (int b = 0; b < batch; b++) {
            v[b * classes + r.nextInt(classes)] = 1;
        }
        return manager.create(v, new Shape(batch, classes));
    }

    private static double[] initial(FunctionalModel model, NDManager m, long seed) {
        return model.initialParameters(m, seed).toType(DataType.FLOAT64, true).toDoubleArray();
    }

    private static double norm(List<Double> v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /**
     * Checks the coordinates {@code indices}; returns how many were excluded as straddling a kink.
     */
    private int checkCoordinates(
            FunctionalModel model,
            double[] w,
            double[] ad,
            int[] indices,
            NDArray x,
            NDArray oneHot,
            ModelState state,
            double h) {
        List<Double> fdKept = new ArrayList<>();
        List<Double> adKept = new ArrayList<>();
        List<Double> diff = new ArrayList<>();
        int excluded = 0;
        for (int i : indices) {
            double fd = centralDifference(model, w, i, h, x, oneHot, state);
            double fdHalf = centralDifference(model, w, i, h / 2, x, oneHot, state);
            if (Math.abs(fd - fdHalf) > 1e-8 + 1e-6 * Math.abs(fd)) {
                excluded++;
                continue;
            }
            fdKept.add(fd);
            adKept.add(ad[i]);
            diff.add(fd - ad[i]);
        }
        double rel = norm(diff) / norm(adKept);
        assertTrue(norm(adKept) > 0, "all checked gradient entries are zero");
        assertTrue(
                rel <= 1e-6,
                "relative error " + rel + " over " + adKept.size() + " coordinates > 1e-6");
        assertTrue(excluded <= indices.length / 10, excluded + " coordinates straddle kinks");
        return excluded;
    }

    private double centralDifference(
            FunctionalModel model,
            double[] w,
            int i,
            double h,
            NDArray x,
            NDArray oneHot,
            ModelState state) {
        double[] plus = w.clone();
        double[] minus = w.clone();
        plus[i] += h;
        minus[i] -= h;
        return (lossAt(model, plus, x, oneHot, state) - lossAt(model, minus, x, oneHot, state))
                / (2 * h);
    }

    /** Every coordinate of a small tanh MLP (smooth: nothing excluded). */
    @Test
    void mlpGradientMatchesFiniteDifferences() {
        Sequential model = Mlp.create(new Shape(2, 3), List.of(5, 4), Activations.tanh(), 3);
        assertEquals(6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3, model.parameterCount());
        int batch = 4;
        NDArray x = manager.create(Arrays64.random(11, batch * 6), new Shape(batch, 2, 3));
        NDArray y = oneHot(batch, 3, 12);
        ModelState state = model.newState(manager);
        double[] w = initial(model, manager, 13);
        double[] ad = gradient(model, w, x, y, state);
        int[] all = new int[w.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        assertEquals(0, checkCoordinates(model, w, ad, all, x, y, state, 1e-5));
    }

    /**
     * LeNet-5 with batch norm in training mode on 28x28 inputs: every batch-norm parameter and
     * twelve random coordinates of every other layer, plus three random unit directions.
     */
    @Test
    void lenetWithBatchNormGradientMatchesFiniteDifferences() {
        Sequential model = LeNet5.create(10, true);
        int batch = 3;
        NDArray x =
                manager.create(Arrays64.random(21, batch * 28 * 28), new Shape(batch, 1, 28, 28));
        NDArray y = oneHot(batch, 10, 22);
        ModelState state = model.newState(manager);
        double[] w = initial(model, manager, 23);
        // Move the batch-norm affine parameters off (1, 0) so their gradients are generic.
        SplittableRandom r = new SplittableRandom(24);
        List<Integer> indices = new ArrayList<>();
        for (Sequential.Entry e : model.layers()) {
            if (e.layer() instanceof BatchNorm) {
                for (long i = e.offset(); i < e.offset() + e.parameterCount(); i++) {
                    w[(int) i] += 0.5 * (r.nextDouble() - 0.5);
                    indices.add((int) i);
                }
            } else if (e.parameterCount() > 0) {
                for (int k = 0; k < 12; k++) {
                    indices.add((int) (e.offset() + r.nextLong(e.parameterCount())));
                }
            }
        }
        double[] ad = gradient(model, w, x, y, state);
        checkCoordinates(
                model,
                w,
                ad,
                indices.stream().mapToInt(Integer::intValue).toArray(),
                x,
                y,
                state,
                1e-6);

        for (int d = 0; d < 3; d++) {
            double[] v = Arrays64.random(30 + d, w.length);
            double vn = 0;
            for (double vi : v) {
                vn += vi * vi;
            }
            vn = Math.sqrt(vn);
            double directional = 0;
            double h = 1e-5;
            double[] plus = w.clone();
            double[] minus = w.clone();
            for (int i = 0; i < w.length; i++) {
                v[i] /= vn;
                directional += ad[i] * v[i];
                plus[i] += h * v[i];
                minus[i] -= h * v[i];
            }
            double fd =
                    (lossAt(model, plus, x, y, state) - lossAt(model, minus, x, y, state))
                            / (2 * h);
            double rel = Math.abs(fd - directional) / Math.abs(directional);
            assertTrue(
                    rel <= 1e-6,
                    "direction " + d + ": fd " + fd + " vs ad " + directional + ", rel " + rel);
        }
    }
}

package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Oracle: the defining formulas evaluated with java.lang.Math; tolerance 1e-15 (float64). */
class ActivationsTest {

    private static final double[] X = {-2, -0.5, -1e-3, 0, 1e-3, 0.5, 2};

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private void check(Layer layer, DoubleUnaryOperator oracle) {
        Sequential model = Arrays64.single(new Shape(X.length), layer);
        NDArray params = manager.zeros(new Shape(0), ai.djl.ndarray.types.DataType.FLOAT64);
        NDArray y =
                model.forward(
                        params,
                        manager.create(X, new Shape(1, X.length)),
                        model.newState(manager),
                        true);
        double[] expected = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            expected[i] = oracle.applyAsDouble(X[i]);
        }
        Arrays64.assertClose(expected, y, 1e-15);
    }

    @Test
    void relu() {
        check(Activations.relu(), x -> Math.max(x, 0));
    }

    @Test
    void leakyReluKeepsTheSlopeInDoublePrecision() {
        check(Activations.leakyRelu(0.1), x -> x > 0 ? x : 0.1 * x);
    }

    @Test
    void tanh() {
        check(Activations.tanh(), Math::tanh);
    }

    @Test
    void sigmoid() {
        check(Activations.sigmoid(), x -> 1 / (1 + Math.exp(-x)));
    }

    @Test
    void elu() {
        check(Activations.elu(1.5), x -> x > 0 ? x : 1.5 * (Math.exp(x) - 1));
    }
}

package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LinearTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Oracle: explicit Java loops over y = x W^T + b; tolerance 1e-12 (float64). */
    @Test
    void matchesLoopsWithAndWithoutBias() {
        int batch = 3;
        int in = 4;
        int out = 5;
        double[] x = Arrays64.random(1, batch * in);
        for (boolean bias : new boolean[] {true, false}) {
            Linear layer = bias ? Linear.of(out) : Linear.of(out).noBias();
            Sequential model = Arrays64.single(new Shape(in), layer);
            assertEquals(out * in + (bias ? out : 0), model.parameterCount());
            double[] p = Arrays64.random(2, (int) model.parameterCount());
            double[] expected = new double[batch * out];
            for (int b = 0; b < batch; b++) {
                for (int o = 0; o < out; o++) {
                    double s = bias ? p[out * in + o] : 0;
                    for (int i = 0; i < in; i++) {
                        s += x[b * in + i] * p[o * in + i];
                    }
                    expected[b * out + o] = s;
                }
            }
            NDArray y =
                    model.forward(
                            manager.create(p),
                            manager.create(x, new Shape(batch, in)),
                            model.newState(manager),
                            true);
            assertEquals(new Shape(batch, out), y.getShape());
            assertEquals(DataType.FLOAT64, y.getDataType());
            Arrays64.assertClose(expected, y, 1e-12);
        }
    }

    /** Oracle: PyTorch's bound 1/sqrt(fan_in) for weight and bias; the spread reaches 90% of it. */
    @Test
    void initialisesWithinPytorchBounds() {
        Sequential model = Arrays64.single(new Shape(16), Linear.of(32));
        double[] p = Arrays64.values(model.initialParameters(manager, 7));
        double bound = 1 / Math.sqrt(16);
        double max = 0;
        for (double v : p) {
            assertTrue(Math.abs(v) <= bound, "value " + v + " outside +-" + bound);
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.9 * bound, "values do not spread over the range: max " + max);
    }

    @Test
    void rejectsImageInputs() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Arrays64.single(new Shape(1, 4, 4), Linear.of(3)));
        assertTrue(e.getMessage().contains("Flatten"), e.getMessage());
    }
}

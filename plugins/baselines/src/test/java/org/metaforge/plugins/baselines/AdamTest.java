package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class AdamTest {

    @Test
    void matchesTwoStepsComputedByHand() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray w = m.create(new double[] {1, -2});
            NDArray mom = w.zerosLike();
            NDArray var = w.zerosLike();
            // Step 1: bias correction makes m_hat = g and v_hat = g^2, so each weight moves by
            // lr * sign(g) (up to eps): (1, -2) - 0.1 (1, -1) = (0.9, -1.9).
            Adam.step(w, mom, var, m.create(new double[] {0.5, -3}), 1, 0.1);
            assertArrayEquals(new double[] {0.9, -1.9}, w.toDoubleArray(), 1e-7);
            // Step 2, g = (0.5, 1): m = (0.095, -0.17), v = (0.00049975, 0.009991);
            // m_hat = m / 0.19 = (0.5, -0.894737), v_hat = v / 0.001999 = (0.25, 4.998);
            // w -= 0.1 m_hat / sqrt(v_hat) = 0.1 (1, -0.400220).
            Adam.step(w, mom, var, m.create(new double[] {0.5, 1}), 2, 0.1);
            assertArrayEquals(new double[] {0.8, -1.859978}, w.toDoubleArray(), 1e-6);
            assertArrayEquals(new double[] {0.095, -0.17}, mom.toDoubleArray(), 1e-12);
        }
    }
}

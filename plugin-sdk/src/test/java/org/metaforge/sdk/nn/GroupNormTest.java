package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupNormTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /**
     * Oracle: Java loops computing each (sample, group) mean and biased variance; tolerance 1e-12
     * (float64). Training and eval mode must agree.
     */
    @Test
    void matchesLoops() {
        int batch = 2;
        int c = 4;
        int groups = 2;
        int s = 3 * 2;
        int perGroup = c / groups * s;
        Sequential model = Arrays64.single(new Shape(c, 3, 2), GroupNorm.of(groups));
        double[] p = Arrays64.random(1, 2 * c);
        double[] x = Arrays64.random(2, batch * c * s);
        double[] expected = new double[x.length];
        for (int b = 0; b < batch; b++) {
            for (int g = 0; g < groups; g++) {
                int start = b * c * s + g * perGroup;
                double mean = 0;
                for (int i = 0; i < perGroup; i++) {
                    mean += x[start + i];
                }
                mean /= perGroup;
                double var = 0;
                for (int i = 0; i < perGroup; i++) {
                    var += (x[start + i] - mean) * (x[start + i] - mean);
                }
                var /= perGroup;
                for (int i = 0; i < perGroup; i++) {
                    int ch = g * (c / groups) + i / s;
                    expected[start + i] =
                            (x[start + i] - mean) / Math.sqrt(var + 1e-5) * p[ch] + p[c + ch];
                }
            }
        }
        NDArray params = manager.create(p);
        NDArray input = manager.create(x, new Shape(batch, c, 3, 2));
        ModelState state = model.newState(manager);
        Arrays64.assertClose(expected, model.forward(params, input, state, true), 1e-12);
        Arrays64.assertClose(expected, model.forward(params, input, state, false), 1e-12);
    }

    @Test
    void rejectsChannelsNotDivisibleByGroups() {
        assertThrows(
                IllegalArgumentException.class,
                () -> Arrays64.single(new Shape(6, 2, 2), GroupNorm.of(4)));
    }
}

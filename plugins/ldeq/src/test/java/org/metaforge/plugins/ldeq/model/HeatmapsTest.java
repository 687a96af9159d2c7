package org.metaforge.plugins.ldeq.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class HeatmapsTest {

    @Test
    void aPeakReadsOutAtItsCellCentreWithoutSpread() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.zeros(new Shape(1, 2, 4, 8), DataType.FLOAT64);
            z.set(new NDIndex(0, 0, 1, 6), 1.0); // row 1, column 6
            z.set(new NDIndex(0, 1, 3, 0), 1.0);
            double[] c = Heatmaps.coordinates(z).toDoubleArray();
            double guard = 1 / (1 + 1e-4);
            assertArrayEquals(
                    new double[] {
                        6.5 / 8 * guard, 1.5 / 4 * guard, 0.5 / 8 * guard, 3.5 / 4 * guard
                    },
                    c,
                    1e-12);
            // the guard leaves the mass 1e-4 short of one: a spread of about 1e-4 of a coordinate
            assertArrayEquals(new double[] {0, 0}, Heatmaps.uncertainty(z).toDoubleArray(), 1e-4);
        }
    }

    @Test
    void twoEqualPeaksReadOutBetweenThemWithTheirSpread() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.zeros(new Shape(1, 1, 4, 4), DataType.FLOAT64);
            z.set(new NDIndex(0, 0, 0, 0), 1.0);
            z.set(new NDIndex(0, 0, 0, 2), 1.0);
            double[] c = Heatmaps.coordinates(z).toDoubleArray();
            assertEquals(1.5 / 4, c[0], 1e-4);
            assertEquals(0.5 / 4, c[1], 1e-4);
            // var_x = (1/4)^2 (cells 0.5/4 and 2.5/4 around 1.5/4), var_y = 0
            assertEquals(Math.sqrt(0.5 / 16), Heatmaps.uncertainty(z).getDouble(0, 0), 1e-4);
        }
    }

    @Test
    void normalisationPutsEachPeakAtOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray h = m.randomNormal(new Shape(2, 3, 4, 4)).toType(DataType.FLOAT64, false);
            NDArray z = LdeqNetwork.normalise(h, 2.0);
            double[] peaks = z.max(new int[] {3}).max(new int[] {2}).toDoubleArray();
            for (double p : peaks) {
                assertEquals(1.0, p, 1e-12);
            }
            NDArray expected =
                    h.sub(h.max(new int[] {3}, true).max(new int[] {2}, true)).mul(2).exp();
            assertEquals(0, z.sub(expected).abs().max().getDouble(), 1e-12);
        }
    }
}

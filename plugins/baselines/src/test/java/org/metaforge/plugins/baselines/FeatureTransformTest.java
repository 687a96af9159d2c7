package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class FeatureTransformTest {

    @Test
    void noneLeavesTheEmbeddingsAlone() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray e = m.create(new double[] {1, 2, 3, 4}, new Shape(2, 2));
            assertSame(e, FeatureTransform.NONE.apply(e, 1));
        }
    }

    @Test
    void centredL2SubtractsTheSupportMeanOnlyAndNormalisesEachRow() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // Support rows (1, 0) and (3, 4): mean (2, 2). Query (2, 6) -> (0, 4) -> (0, 1);
            // support (1, 0) -> (-1, -2) / sqrt 5; (3, 4) -> (1, 2) / sqrt 5. The query takes no
            // part in the mean.
            NDArray e = m.create(new double[] {1, 0, 3, 4, 2, 6}, new Shape(3, 2));
            double r = 1 / Math.sqrt(5);
            assertArrayEquals(
                    new double[] {-r, -2 * r, r, 2 * r, 0, 1},
                    FeatureTransform.CENTRED_L2.apply(e, 2).toDoubleArray(),
                    1e-12);
        }
    }

    @Test
    void powerCentredL2TakesTheSquareRootFirst() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // Square roots: support (1, 0), (3, 4); query (2, 6), as in the test above.
            NDArray e = m.create(new double[] {1, 0, 9, 16, 4, 36}, new Shape(3, 2));
            double r = 1 / Math.sqrt(5);
            assertArrayEquals(
                    new double[] {-r, -2 * r, r, 2 * r, 0, 1},
                    FeatureTransform.POWER_CENTRED_L2.apply(e, 2).toDoubleArray(),
                    1e-12);
        }
    }
}

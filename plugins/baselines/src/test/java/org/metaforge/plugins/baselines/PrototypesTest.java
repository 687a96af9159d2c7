package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class PrototypesTest {

    @Test
    void prototypesAreSupportMeansAndLogitsNegativeSquaredDistances() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // The embedding is the identity on 2-D points. Class 0: (0,0), (2,0) -> prototype
            // (1,0); class 1: (0,2), (0,4) -> prototype (0,3).
            NDArray support = m.create(new double[] {0, 0, 2, 0, 0, 2, 0, 4}, new Shape(4, 2));
            NDArray protos = Prototypes.of(support, 2, 2);
            assertArrayEquals(new double[] {1, 0, 0, 3}, protos.toDoubleArray(), 1e-12);
            // Query (1,1): distances 0 + 1 = 1 and 1 + 4 = 5. Query (0,3): 1 + 9 = 10 and 0.
            // Query (3,-1): 4 + 1 = 5 and 9 + 16 = 25.
            NDArray query = m.create(new double[] {1, 1, 0, 3, 3, -1}, new Shape(3, 2));
            NDArray logits = Prototypes.logits(query, protos);
            assertArrayEquals(new long[] {3, 2}, logits.getShape().getShape());
            assertArrayEquals(
                    new double[] {-1, -5, -10, 0, -5, -25}, logits.toDoubleArray(), 1e-12);
        }
    }
}

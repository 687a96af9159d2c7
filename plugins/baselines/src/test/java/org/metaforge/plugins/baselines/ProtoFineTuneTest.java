package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ProtoFineTuneTest {

    @Test
    void theHeadIsThePrototypeClassifierUpToAConstantPerImage() {
        try (NDManager m = NDManager.newBaseManager()) {
            // prototypes c0 = (1, 2), c1 = (0, -1): W = 2C, b = (-5, -1)
            NDArray c = m.create(new float[] {1, 2, 0, -1}, new Shape(2, 2));
            NDList h = ProtoFineTune.head(c);
            assertArrayEquals(new float[] {2, 4, 0, -2}, h.get(0).toFloatArray());
            assertArrayEquals(new float[] {-5, -1}, h.get(1).toFloatArray());
            // e = (3, 1): 2 c0.e - |c0|^2 = 10 - 5 = 5, 2 c1.e - |c1|^2 = -2 - 1 = -3; the
            // prototypical logits -|e - c|^2 are -5 and -13, i.e. these minus |e|^2 = 10.
            // e = (0, 0): -5 and -1, against -5 and -1 (|e|^2 = 0).
            NDArray e = m.create(new float[] {3, 1, 0, 0}, new Shape(2, 2));
            assertArrayEquals(
                    new float[] {5, -3, -5, -1},
                    ProtoFineTune.logits(e, h.get(0), h.get(1)).toFloatArray(),
                    1e-6f);
            assertArrayEquals(
                    new float[] {-5, -13, -5, -1}, Prototypes.logits(e, c).toFloatArray(), 1e-6f);
        }
    }
}

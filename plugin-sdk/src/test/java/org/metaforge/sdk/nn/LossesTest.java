package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LossesTest {

    @Test
    void crossEntropyMatchesHandComputedValues() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // Oracle: -log softmax by hand. Row 1: logits (0, ln 3) -> p(1) = 3/4; row 2: (0, 0) ->
            // 1/2.
            double[] logits = {0, Math.log(3), 0, 0};
            double expected = (-Math.log(0.75) - Math.log(0.5)) / 2;
            double got =
                    Losses.crossEntropy(
                                    m.create(logits, new Shape(2, 2)), m.create(new int[] {1, 0}))
                            .getDouble();
            assertEquals(expected, got, 1e-15);
        }
    }
}

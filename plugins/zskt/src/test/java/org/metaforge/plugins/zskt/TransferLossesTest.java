package org.metaforge.plugins.zskt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The losses against values computed by hand (tolerance 1e-12 in float64). */
class TransferLossesTest {

    private static final double TOL = 1e-12;

    @Test
    void divergenceIsTheElementMeanOfTheForwardKl() {
        try (NDManager m = NDManager.newBaseManager()) {
            // teacher softmax (0.75, 0.25), student (0.5, 0.5):
            // KL = 0.75 ln 1.5 + 0.25 ln 0.5, divided by B K = 2
            NDArray s = m.create(new double[] {0, 0}, new Shape(1, 2));
            NDArray t = m.create(new double[] {Math.log(3), 0}, new Shape(1, 2));
            double expected = (0.75 * Math.log(1.5) + 0.25 * Math.log(0.5)) / 2;
            assertEquals(expected, TransferLosses.kl(s, t, 1).getDouble(), TOL);
            // at T = 2 the teacher's logits 2 ln 3 soften to the same distribution
            NDArray t2 = m.create(new double[] {2 * Math.log(3), 0}, new Shape(1, 2));
            assertEquals(expected, TransferLosses.kl(s, t2, 2).getDouble(), TOL);
            assertEquals(0, TransferLosses.kl(t, t, 1).getDouble(), TOL);
        }
    }

    @Test
    void divergenceAveragesOverBatchAndClasses() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(new double[] {0, 0, 0, 0, 1, 2}, new Shape(2, 3));
            NDArray t = m.create(new double[] {1, 0, 0, 0, 1, 2}, new Shape(2, 3));
            double e = Math.E;
            double z = e + 2;
            double kl = (e / z) * Math.log(e / z * 3) + 2 * (1 / z) * Math.log(3 / z);
            assertEquals(kl / 6, TransferLosses.kl(s, t, 1).getDouble(), TOL);
        }
    }

    @Test
    void attentionIsTheNormalisedChannelMeanOfSquares() {
        try (NDManager m = NDManager.newBaseManager()) {
            // channels (1, 2) and (3, 0): mean of squares (5, 2), normalised by sqrt(29)
            NDArray a = m.create(new double[] {1, 2, 3, 0}, new Shape(1, 2, 1, 2));
            NDArray b = m.create(new double[] {1, 1}, new Shape(1, 1, 1, 2));
            double[] at = TransferLosses.attention(a).toDoubleArray();
            assertEquals(5 / Math.sqrt(29), at[0], TOL);
            assertEquals(2 / Math.sqrt(29), at[1], TOL);
            double d0 = 5 / Math.sqrt(29) - 1 / Math.sqrt(2);
            double d1 = 2 / Math.sqrt(29) - 1 / Math.sqrt(2);
            double expected = (d0 * d0 + d1 * d1) / 2;
            assertEquals(expected, TransferLosses.attentionDistance(a, b).getDouble(), TOL);
            NDArray logits = m.create(new double[] {0, 0}, new Shape(1, 2));
            NDArray loss =
                    TransferLosses.attentionLoss(
                            new NDList(logits, a, a), new NDList(logits, b, b), 250);
            assertEquals(250 * 2 * expected, loss.getDouble(), 1e-9);
        }
    }

    @Test
    void distillationMixesCrossEntropyAndScaledDivergence() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(new double[] {0, 0}, new Shape(1, 2));
            NDArray t = m.create(new double[] {4 * Math.log(3), 0}, new Shape(1, 2));
            NDArray y = m.create(new int[] {1});
            double ce = Math.log(2);
            double kl = (0.75 * Math.log(1.5) + 0.25 * Math.log(0.5)) / 2;
            double expected = 0.1 * ce + 2 * 0.9 * 16 * kl;
            assertEquals(expected, TransferLosses.distillation(s, t, y, 0.9, 4).getDouble(), 1e-9);
            assertEquals(ce, TransferLosses.distillation(s, t, y, 0, 4).getDouble(), 1e-9);
        }
    }
}

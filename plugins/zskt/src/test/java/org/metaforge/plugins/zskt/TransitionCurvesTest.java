package org.metaforge.plugins.zskt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;

/** The mean transition error: zero for a network against itself, positive against another. */
class TransitionCurvesTest {

    @Test
    void identicalNetworksHaveZeroErrorAndDifferentOnesPositive() {
        try (NDManager m = NDManager.newBaseManager()) {
            Teacher a = Fixtures.teacher(m, 11, false);
            Teacher b = Fixtures.teacher(m, 12, false);
            NDArray images = m.randomUniform(0, 1, new Shape(3, 1, 16, 16));
            int[] cls = {0, 1, 2};
            TransitionCurves.Side sa = new TransitionCurves.Side(a.net(), a.w(), a.state());
            TransitionCurves.Side sb = new TransitionCurves.Side(b.net(), b.w(), b.state());
            FirstOrderAutodiff ad = new FirstOrderAutodiff();
            TransitionCurves same =
                    TransitionCurves.compute(ad, sa, sa, images, cls, 4, 5, 1.0, 4, m);
            TransitionCurves diff =
                    TransitionCurves.compute(ad, sa, sb, images, cls, 4, 5, 1.0, 4, m);
            assertEquals(9, same.curves());
            assertEquals(0, same.mte(), 1e-6);
            assertTrue(diff.mte() > 1e-3, "mte " + diff.mte());
            // the adversarial steps raise p_j under the network they follow
            double[] curve = same.meanA();
            assertTrue(curve[4] > curve[0], "p_j " + curve[0] + " -> " + curve[4]);
        }
    }
}

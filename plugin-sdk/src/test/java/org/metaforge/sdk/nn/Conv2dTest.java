package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Conv2dTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Oracle: direct cross-correlation loops with zero padding; tolerance 1e-12 (float64). */
    private static double[] loops(
            double[] x,
            double[] p,
            int batch,
            int cin,
            int h,
            int w,
            int cout,
            int k,
            int stride,
            int pad,
            int groups,
            boolean bias) {
        int ho = (h + 2 * pad - k) / stride + 1;
        int wo = (w + 2 * pad - k) / stride + 1;
        int cinG = cin / groups;
        int coutG = cout / groups;
        int weights = cout * cinG * k * k;
        double[] y = new double[batch * cout * ho * wo];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < cout; o++) {
                int g = o / coutG;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double s = bias ? p[weights + o] : 0;
                        for (int c = 0; c < cinG; c++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int r = i * stride + u - pad;
                                    int q = j * stride + v - pad;
                                    if (r < 0 || r >= h || q < 0 || q >= w) {
                                        continue;
                                    }
                                    int ch = g * cinG + c;
                                    s +=
                                            x[((b * cin + ch) * h + r) * w + q]
                                                    * p[((o * cinG + c) * k + u) * k + v];
                                }
                            }
                        }
                        y[((b * cout + o) * ho + i) * wo + j] = s;
                    }
                }
            }
        }
        return y;
    }

    private void check(
            Conv2d layer,
            int cin,
            int h,
            int w,
            int cout,
            int k,
            int stride,
            int pad,
            int groups,
            boolean bias) {
        int batch = 2;
        Sequential model = Arrays64.single(new Shape(cin, h, w), layer);
        assertEquals(cout * (cin / groups) * k * k + (bias ? cout : 0), model.parameterCount());
        int ho = (h + 2 * pad - k) / stride + 1;
        int wo = (w + 2 * pad - k) / stride + 1;
        assertEquals(new Shape(cout, ho, wo), model.outputShape());
        double[] x = Arrays64.random(3, batch * cin * h * w);
        double[] p = Arrays64.random(4, (int) model.parameterCount());
        NDArray y =
                model.forward(
                        manager.create(p),
                        manager.create(x, new Shape(batch, cin, h, w)),
                        model.newState(manager),
                        false);
        assertEquals(new Shape(batch, cout, ho, wo), y.getShape());
        Arrays64.assertClose(
                loops(x, p, batch, cin, h, w, cout, k, stride, pad, groups, bias), y, 1e-12);
    }

    @Test
    void matchesLoopsPlain() {
        check(Conv2d.of(3, 3), 2, 5, 6, 3, 3, 1, 0, 1, true);
    }

    @Test
    void matchesLoopsWithStridePaddingGroups() {
        check(Conv2d.of(4, 3).stride(2).padding(1).groups(2), 2, 7, 6, 4, 3, 2, 1, 2, true);
        check(Conv2d.of(6, 2).groups(3).noBias(), 3, 4, 4, 6, 2, 1, 0, 3, false);
    }

    /** Oracle: PyTorch's bound 1/sqrt(C/groups * k^2) for weight and bias. */
    @Test
    void initialisesWithinPytorchBounds() {
        Sequential model = Arrays64.single(new Shape(4, 8, 8), Conv2d.of(8, 3).groups(2));
        double bound = 1 / Math.sqrt(2 * 9);
        for (double v : Arrays64.values(model.initialParameters(manager, 3))) {
            assertTrue(Math.abs(v) <= bound, "value " + v + " outside +-" + bound);
        }
    }

    @Test
    void rejectsChannelsNotDivisibleByGroups() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Arrays64.single(new Shape(3, 8, 8), Conv2d.of(4, 3).groups(2)));
        assertTrue(e.getMessage().contains("groups"), e.getMessage());
    }
}

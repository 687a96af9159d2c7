package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/** Test helpers: float64 arrays from Java values and element-wise comparisons. */
final class Arrays64 {

    private Arrays64() {}

    static double[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 2 * r.nextDouble() - 1;
        }
        return v;
    }

    static NDArray create(NDManager m, double[] values, Shape shape) {
        return m.create(values, shape);
    }

    static double[] values(NDArray a) {
        return a.toType(DataType.FLOAT64, true).toDoubleArray();
    }

    /** Asserts {@code |expected - actual| <= tol} element-wise, naming the first bad index. */
    static void assertClose(double[] expected, NDArray actual, double tol) {
        double[] got = values(actual);
        assertEquals(expected.length, got.length, "element count");
        for (int i = 0; i < got.length; i++) {
            if (!(Math.abs(expected[i] - got[i]) <= tol)) {
                fail(
                        "element "
                                + i
                                + ": expected "
                                + expected[i]
                                + " but was "
                                + got[i]
                                + " (tolerance "
                                + tol
                                + ")");
            }
        }
    }

    /** A network made of {@code layer} alone. */
    static Sequential single(Shape input, Layer layer) {
        return Sequential.builder(input).add(layer).build();
    }
}

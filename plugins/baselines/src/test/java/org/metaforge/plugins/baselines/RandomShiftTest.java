package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RandomShiftTest {

    @Test
    void shiftsEachImageByItsOwnOffsetWithZeroFill() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // Two 1x3x3 images holding 1..9 and 11..19 row by row.
            NDArray x =
                    m.create(
                            new float[] {
                                1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19
                            },
                            new Shape(2, 1, 3, 3));
            // The first moves down one row, the second left one column.
            NDArray out = RandomShift.shift(x, new int[] {1, 0}, new int[] {0, -1});
            assertEquals(x.getShape(), out.getShape());
            assertArrayEquals(
                    new float[] {0, 0, 0, 1, 2, 3, 4, 5, 6, 12, 13, 0, 15, 16, 0, 18, 19, 0},
                    out.toFloatArray());
            // Diagonal, in float64 (values float32 cannot hold, kept exactly): up one and right
            // two keeps only x[1][0] at (0, 2) and x[2][0] at (1, 2).
            NDArray d = x.toType(DataType.FLOAT64, false).add(1e-12);
            NDArray diag = RandomShift.shift(d, new int[] {-1, 0}, new int[] {2, 0});
            assertEquals(DataType.FLOAT64, diag.getDataType());
            double e = 1e-12;
            assertArrayEquals(
                    new double[] {
                        0, 0, 4 + e, 0, 0, 7 + e, 0, 0, 0, 11 + e, 12 + e, 13 + e, 14 + e, 15 + e,
                        16 + e, 17 + e, 18 + e, 19 + e
                    },
                    diag.toDoubleArray());
        }
    }

    @Test
    void randomOffsetsStayWithinTheLimitAndZeroIsTheIdentity() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // One bright pixel in the middle of a 9x9 image, 200 copies: each copy's pixel lands
            // at most 2 rows and 2 columns away, and every offset of -2..2 turns up.
            float[] pixels = new float[200 * 81];
            for (int i = 0; i < 200; i++) {
                pixels[i * 81 + 40] = 1;
            }
            NDArray x = m.create(pixels, new Shape(200, 1, 9, 9));
            float[] out = RandomShift.random(x, new Random(3), 2).toFloatArray();
            boolean[] seenRow = new boolean[5];
            boolean[] seenCol = new boolean[5];
            for (int i = 0; i < 200; i++) {
                int at = -1;
                for (int p = 0; p < 81; p++) {
                    if (out[i * 81 + p] == 1) {
                        assertEquals(-1, at, "image " + i + " has two bright pixels");
                        at = p;
                    }
                }
                int dy = at / 9 - 4;
                int dx = at % 9 - 4;
                assertTrue(Math.abs(dy) <= 2 && Math.abs(dx) <= 2, "offset " + dy + ", " + dx);
                seenRow[dy + 2] = true;
                seenCol[dx + 2] = true;
            }
            assertArrayEquals(new boolean[] {true, true, true, true, true}, seenRow);
            assertArrayEquals(new boolean[] {true, true, true, true, true}, seenCol);
            assertSame(x, RandomShift.random(x, new Random(3), 0));
        }
    }
}

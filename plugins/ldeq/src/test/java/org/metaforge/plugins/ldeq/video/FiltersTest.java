package org.metaforge.plugins.ldeq.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FiltersTest {

    @Test
    void emaMatchesHandComputedValues() {
        double[][] x = {{0, 10}, {4, 10}, {4, 0}};
        double[][] s = Filters.ema(x, 0.25);
        assertArrayEquals(new double[] {0, 10}, s[0]);
        assertArrayEquals(new double[] {1, 10}, s[1], 1e-12);
        assertArrayEquals(new double[] {1.75, 7.5}, s[2], 1e-12);
    }

    @Test
    void oneEuroWithoutSpeedTermIsAnEmaAtItsCutoff() {
        double[][] x = {{0}, {1}, {3}, {2}};
        double a = Filters.smoothing(0.1);
        // tau = 1 / (2 pi 0.1), a = 1 / (1 + tau)
        assertEquals(1 / (1 + 1 / (2 * Math.PI * 0.1)), a, 1e-15);
        double[][] euro = Filters.oneEuro(x, 0.1, 0, 1);
        double[][] ema = Filters.ema(x, a);
        for (int t = 0; t < x.length; t++) {
            assertArrayEquals(ema[t], euro[t], 1e-12);
        }
    }

    @Test
    void oneEuroFollowsFastMotionMoreClosely() {
        double[][] ramp = new double[20][1];
        for (int t = 0; t < 20; t++) {
            ramp[t][0] = 5.0 * t;
        }
        double lagSlow = ramp[19][0] - Filters.oneEuro(ramp, 0.05, 0, 1)[19][0];
        double lagAdaptive = ramp[19][0] - Filters.oneEuro(ramp, 0.05, 1, 1)[19][0];
        assertEquals(true, lagAdaptive < 0.5 * lagSlow, lagAdaptive + " vs " + lagSlow);
    }
}

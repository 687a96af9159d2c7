package org.metaforge.plugins.solvers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Anderson's weights against closed forms, and the cases the safeguard must catch. */
class MixingWeightsTest {

    private static final double TOL = 1e-14;

    private static double[][] gram(double[]... columns) {
        double[][] g = new double[columns.length][columns.length];
        for (int i = 0; i < columns.length; i++) {
            for (int j = 0; j < columns.length; j++) {
                for (int k = 0; k < columns[i].length; k++) {
                    g[i][j] += columns[i][k] * columns[j][k];
                }
            }
        }
        return g;
    }

    @Test
    void twoResidualsGetTheClosedFormWeights() {
        // min ||(1 - a) g0 + a g1||: a = g0.(g0 - g1) / ||g0 - g1||^2
        double[] g0 = {3, -1, 2};
        double[] g1 = {-1, 0.5, 1};
        double along = 0;
        double squared = 0;
        for (int k = 0; k < g0.length; k++) {
            along += g0[k] * (g0[k] - g1[k]);
            squared += (g0[k] - g1[k]) * (g0[k] - g1[k]);
        }
        double a = along / squared;
        double[] w = MixingWeights.solve(gram(g0, g1), 0, TOL);
        assertNotNull(w);
        assertArrayEquals(new double[] {1 - a, a}, w, 1e-12);
    }

    @Test
    void oneResidualGetsWeightOne() {
        assertArrayEquals(
                new double[] {1}, MixingWeights.solve(new double[][] {{4}}, 0, TOL), 1e-15);
    }

    @Test
    void regularisationPullsTowardsEqualWeights() {
        double[] g0 = {1, 0};
        double[] g1 = {0, 2};
        // lambda relative to the largest squared norm (4): weights ~ 1 / (||g_i||^2 / 4 + lambda)
        double[] w = MixingWeights.solve(gram(g0, g1), 1e6, TOL);
        assertEquals(0.5, w[0], 1e-6);
        double[] exact = MixingWeights.solve(gram(g0, g1), 0, TOL);
        assertArrayEquals(new double[] {0.8, 0.2}, exact, 1e-12);
    }

    @Test
    void singularOrNonFiniteHistoriesGiveNoWeights() {
        double[] g = {1, 2, 3};
        assertNull(MixingWeights.solve(gram(g, g, g), 0, TOL), "repeated residuals");
        double[] h = {2, 4, 6};
        double[] k = {-1, -2, -3};
        assertNull(MixingWeights.solve(gram(g, h, k), 0, TOL), "residuals along one line");
        double[] almost = {1, 2, 3 + 1e-10};
        assertNull(MixingWeights.solve(gram(g, almost), 0, TOL), "residuals equal to 1e-10");
        assertNull(MixingWeights.solve(new double[][] {{0, 0}, {0, 0}}, 1e-4, TOL), "zero");
        assertNull(
                MixingWeights.solve(new double[][] {{1, Double.NaN}, {Double.NaN, 1}}, 1e-4, TOL),
                "NaN");
        assertNull(
                MixingWeights.solve(new double[][] {{Double.POSITIVE_INFINITY}}, 1e-4, TOL),
                "overflow");
    }

    @Test
    void regularisationMakesRepeatedResidualsSolvable() {
        double[] g = {1, 2, 3};
        double[] w = MixingWeights.solve(gram(g, g, g), 1e-4, TOL);
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, w, 1e-12);
    }
}

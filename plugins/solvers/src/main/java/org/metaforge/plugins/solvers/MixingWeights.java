package org.metaforge.plugins.solvers;

/**
 * The weights of one Anderson step: a least-squares problem of at most a few dozen unknowns, solved
 * on the host in double precision.
 */
final class MixingWeights {

    private MixingWeights() {}

    /**
     * The weights {@code a} that minimise {@code a^T H a} subject to {@code sum(a) = 1}, with
     * {@code H = G / s + lambda I}, {@code G} the Gram matrix of the residuals in memory and {@code
     * s} its largest diagonal entry: the combination of residuals with the least (regularised)
     * norm.
     *
     * <p>The constraint is eliminated by writing the last weight as one minus the others, which
     * leaves the symmetric positive (semi-)definite system {@code P^T H P c = -P^T H e_n} with
     * {@code P = [I; -1^T]}, solved by Cholesky factorisation; the normalisation by {@code s} makes
     * the regularisation scale-free. Row i of that system is built from {@code H_ii + H_nn - 2
     * H_in}, so its rounding error is about the precision times {@code H_ii + H_nn}: a pivot below
     * {@code pivotTolerance (H_ii + H_nn)} is indistinguishable from zero and marks residuals that
     * are (nearly) linearly dependent.
     *
     * @param gram the symmetric Gram matrix, n by n
     * @param lambda the relative Tikhonov regularisation, at least 0
     * @param pivotTolerance the relative precision of {@code gram}, e.g. a multiple of the machine
     *     epsilon of the data it was computed in
     * @return the n weights, or null when they cannot be trusted: {@code G} is not finite or is
     *     zero, the system is singular or too ill-conditioned, or the weights are not finite
     */
    static double[] solve(double[][] gram, double lambda, double pivotTolerance) {
        int n = gram.length;
        double scale = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(gram[i][j])) {
                    return null;
                }
            }
            scale = Math.max(scale, gram[i][i]);
        }
        if (!(scale > 0)) {
            return null;
        }
        int last = n - 1;
        double[][] h = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                h[i][j] = gram[i][j] / scale + (i == j ? lambda : 0);
            }
        }
        double[][] system = new double[last][last];
        double[] rhs = new double[last];
        double[] floor = new double[last];
        for (int i = 0; i < last; i++) {
            for (int j = 0; j < last; j++) {
                system[i][j] = h[i][j] - h[i][last] - h[last][j] + h[last][last];
            }
            rhs[i] = h[last][last] - h[i][last];
            floor[i] = pivotTolerance * (h[i][i] + h[last][last]);
        }
        double[][] factor = cholesky(system, floor);
        if (factor == null) {
            return null;
        }
        double[] c = backSubstitute(factor, forwardSubstitute(factor, rhs));
        double[] weights = new double[n];
        weights[last] = 1;
        for (int i = 0; i < last; i++) {
            weights[i] = c[i];
            weights[last] -= c[i];
        }
        for (double w : weights) {
            if (!Double.isFinite(w)) {
                return null;
            }
        }
        return weights;
    }

    /**
     * The lower factor L of {@code a = L L^T}, or null if pivot i is not above {@code floor[i]}.
     */
    private static double[][] cholesky(double[][] a, double[] floor) {
        int k = a.length;
        double[][] l = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int p = 0; p < j; p++) {
                    sum -= l[i][p] * l[j][p];
                }
                if (i == j) {
                    if (!(sum > floor[i])) {
                        return null;
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        return l;
    }

    /** Solves {@code L y = b}. */
    private static double[] forwardSubstitute(double[][] l, double[] b) {
        double[] y = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            double sum = b[i];
            for (int p = 0; p < i; p++) {
                sum -= l[i][p] * y[p];
            }
            y[i] = sum / l[i][i];
        }
        return y;
    }

    /** Solves {@code L^T x = y}. */
    private static double[] backSubstitute(double[][] l, double[] y) {
        double[] x = new double[y.length];
        for (int i = y.length - 1; i >= 0; i--) {
            double sum = y[i];
            for (int p = i + 1; p < y.length; p++) {
                sum -= l[p][i] * x[p];
            }
            x[i] = sum / l[i][i];
        }
        return x;
    }
}

package org.metaforge.plugins.ldeq.video;

/**
 * Conventional temporal filters applied to per-frame landmark predictions (frames x coordinates),
 * each coordinate filtered independently, one frame per time unit.
 */
public final class Filters {

    private Filters() {}

    /**
     * Exponential moving average {@code s_t = alpha x_t + (1 - alpha) s_{t-1}}, {@code s_0 = x_0}.
     */
    public static double[][] ema(double[][] x, double alpha) {
        double[][] out = new double[x.length][];
        out[0] = x[0].clone();
        for (int t = 1; t < x.length; t++) {
            out[t] = new double[x[t].length];
            for (int j = 0; j < x[t].length; j++) {
                out[t][j] = alpha * x[t][j] + (1 - alpha) * out[t - 1][j];
            }
        }
        return out;
    }

    /**
     * The One-Euro filter (Casiez, Roussel and Vogel, CHI 2012): an exponential smoother whose
     * cutoff frequency {@code minCutoff + beta |dx/dt|} rises with the speed (itself smoothed at
     * {@code derivativeCutoff}), so slow motion is smoothed hard and fast motion lags little.
     */
    public static double[][] oneEuro(
            double[][] x, double minCutoff, double beta, double derivativeCutoff) {
        int n = x[0].length;
        double[][] out = new double[x.length][];
        out[0] = x[0].clone();
        double[] dx = new double[n];
        double aDerivative = smoothing(derivativeCutoff);
        for (int t = 1; t < x.length; t++) {
            out[t] = new double[n];
            for (int j = 0; j < n; j++) {
                double rawSpeed = x[t][j] - out[t - 1][j];
                dx[j] = aDerivative * rawSpeed + (1 - aDerivative) * dx[j];
                double a = smoothing(minCutoff + beta * Math.abs(dx[j]));
                out[t][j] = a * x[t][j] + (1 - a) * out[t - 1][j];
            }
        }
        return out;
    }

    /** The smoothing factor of a first-order low-pass at {@code cutoff} for a unit time step. */
    static double smoothing(double cutoff) {
        double tau = 1 / (2 * Math.PI * cutoff);
        return 1 / (1 + tau);
    }
}

package org.metaforge.plugins.solvers;

/**
 * When a solve stops, shared by every solver's configuration.
 *
 * <p>A sample meets the rule when its absolute residual is at most {@code absTolerance} or its
 * relative residual at most {@code relTolerance}; the solve stops when every sample has met it, or
 * after {@code maxIterations} evaluations of the map. An iterate that runs far away from a map
 * without a fixed point can meet the relative rule (its residual is small next to {@code
 * ||f(z)||}); only an absolute tolerance rules that out.
 *
 * @param maxIterations the most evaluations of the map, the start's included
 * @param absTolerance absolute residual tolerance; 0 means only an exact fixed point meets it
 * @param relTolerance relative residual tolerance; 0 means only an exact fixed point meets it
 */
record Stopping(int maxIterations, double absTolerance, double relTolerance) {

    /** Whether residuals {@code abs} and {@code rel} meet the rule (never for NaN). */
    boolean meets(double abs, double rel) {
        return abs <= absTolerance || rel <= relTolerance;
    }

    /**
     * How far residuals are from meeting the rule, to rank a sample's iterates: the smaller of
     * {@code abs / absTolerance} and {@code rel / relTolerance} (at most 1 exactly when the rule is
     * met), a zero tolerance taking no part; with both tolerances zero, the relative residual.
     * Non-finite residuals rank last.
     */
    double score(double abs, double rel) {
        if (!Double.isFinite(abs) || !Double.isFinite(rel)) {
            return Double.POSITIVE_INFINITY;
        }
        if (absTolerance == 0 && relTolerance == 0) {
            return rel;
        }
        double byAbs = absTolerance > 0 ? abs / absTolerance : Double.POSITIVE_INFINITY;
        double byRel = relTolerance > 0 ? rel / relTolerance : Double.POSITIVE_INFINITY;
        return Math.min(byAbs, byRel);
    }
}

package org.metaforge.plugins.baselines;

/** How a list of hyperparameter values is spread over the training steps. */
public enum ScheduleKind {
    /**
     * Piecewise constant: value {@code i} of {@code n} applies to the {@code i}-th of {@code n}
     * equal contiguous blocks of steps (one value: constant).
     */
    PIECEWISE,
    /** The learning rate decays from its single value to zero along a half cosine. */
    COSINE;

    /**
     * The value at {@code step} (0-based) of {@code total} steps.
     *
     * <p>Blocks follow the forward-mode HPO paper: step {@code t} uses value {@code floor(t * n /
     * total)}.
     */
    static double piecewise(java.util.List<Double> values, long step, long total) {
        int n = values.size();
        int block = (int) Math.min(n - 1, (step * n) / total);
        return values.get(block);
    }

    /** Half-cosine decay from {@code peak} at step 0 to 0 after {@code total} steps. */
    static double cosine(double peak, long step, long total) {
        return 0.5 * peak * (1 + Math.cos(Math.PI * step / total));
    }
}

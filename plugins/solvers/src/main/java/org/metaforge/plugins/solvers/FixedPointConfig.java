package org.metaforge.plugins.solvers;

import org.metaforge.sdk.config.Param;

/**
 * Configuration of {@code solvers/fixed-point}; stopping defaults follow the LDEQ reference
 * (Micaelli et al. 2023, {@code polo5/LDEQ_RwR}): 10 iterations, stop on a relative residual of
 * 5e-3.
 *
 * @param maxIterations the most evaluations of the map
 * @param absTolerance absolute residual tolerance
 * @param relTolerance relative residual tolerance
 * @param damping weight kept on the current iterate
 */
public record FixedPointConfig(
        @Param(
                        value = "most evaluations of the map, the start's included",
                        defaultValue = "10",
                        min = 1,
                        max = 100000)
                int maxIterations,
        @Param(
                        value =
                                "a sample stops when ||f(z) - z|| is at most this (0: the relative"
                                        + " rule alone, as in the reference)",
                        defaultValue = "0",
                        min = 0)
                double absTolerance,
        @Param(
                        value =
                                "a sample stops when ||f(z) - z|| / (||f(z)|| + 1e-5) is at most this",
                        defaultValue = "0.005",
                        min = 0,
                        max = 1)
                double relTolerance,
        @Param(
                        value =
                                "weight kept on the current iterate: z <- d z + (1 - d) f(z) (0: plain"
                                        + " iteration, as in the reference)",
                        defaultValue = "0",
                        min = 0,
                        max = 0.99)
                double damping) {

    /** The stopping rule. */
    Stopping stopping() {
        return new Stopping(maxIterations, absTolerance, relTolerance);
    }
}

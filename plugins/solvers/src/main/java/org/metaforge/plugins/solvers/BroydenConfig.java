package org.metaforge.plugins.solvers;

import org.metaforge.sdk.config.Param;

/**
 * Configuration of {@code solvers/broyden}; defaults follow the LDEQ reference (Micaelli et al.
 * 2023, {@code polo5/LDEQ_RwR}): the good method without line search, 10 iterations, stop on a
 * relative residual of 5e-3. The reference keeps every update of a solve; a memory of 10 does the
 * same at its 10 iterations.
 *
 * @param maxIterations the most evaluations of the map
 * @param absTolerance absolute residual tolerance
 * @param relTolerance relative residual tolerance
 * @param memory how many rank-one updates are kept
 * @param method the good or the bad method
 */
public record BroydenConfig(
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
                                "rank-one updates of the inverse Jacobian kept; when full, the"
                                        + " estimate restarts",
                        defaultValue = "10",
                        min = 1,
                        max = 100)
                int memory,
        @Param(value = "good or bad Broyden update", defaultValue = "good") BroydenMethod method) {

    /** The stopping rule. */
    Stopping stopping() {
        return new Stopping(maxIterations, absTolerance, relTolerance);
    }
}

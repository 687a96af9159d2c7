package org.metaforge.plugins.solvers;

import org.metaforge.sdk.config.Param;

/**
 * Configuration of {@code solvers/anderson}; defaults follow the LDEQ reference (Micaelli et al.
 * 2023, {@code polo5/LDEQ_RwR}): memory 6, regularisation 1e-4, mixing 1, 10 iterations, stop on a
 * relative residual of 5e-3. The reference adds its regularisation unscaled; here it is relative to
 * the history's largest squared residual norm (see {@link AndersonSolver}).
 *
 * @param maxIterations the most evaluations of the map
 * @param absTolerance absolute residual tolerance
 * @param relTolerance relative residual tolerance
 * @param memory how many past iterates are combined
 * @param lambda Tikhonov regularisation of the least-squares problem
 * @param beta mixing between the combined map values and the combined iterates
 */
public record AndersonConfig(
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
                        value = "memory m: how many past iterates are combined",
                        defaultValue = "6",
                        min = 1,
                        max = 32)
                int memory,
        @Param(
                        value =
                                "Tikhonov regularisation lambda, relative to the largest squared"
                                        + " residual norm in the memory",
                        defaultValue = "1e-4",
                        min = 0,
                        max = 1)
                double lambda,
        @Param(
                        value =
                                "mixing beta: 1 combines map values, below 1 damps towards the"
                                        + " combined iterates, above 1 over-projects",
                        defaultValue = "1",
                        min = 0,
                        max = 2,
                        minExclusive = true)
                double beta) {

    /** The stopping rule. */
    Stopping stopping() {
        return new Stopping(maxIterations, absTolerance, relTolerance);
    }
}

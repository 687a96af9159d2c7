package org.metaforge.sdk.solver;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * A {@link org.metaforge.sdk.Solver} component bound to its validated configuration and to the
 * current run, obtained from {@link org.metaforge.sdk.run.RunContext#solver}.
 *
 * <p>The same contract as {@code Solver.solve}: {@code f} must not track gradients, the first axis
 * of {@code z0} is the batch, and a map that does not converge gives a result with {@link
 * FixedPointResult#converged()} false, never an exception or NaN.
 */
@FunctionalInterface
public interface BoundSolver {

    /** Solves {@code z = f(z)} starting from {@code z0}. */
    FixedPointResult solve(UnaryOperator<NDArray> f, NDArray z0);
}

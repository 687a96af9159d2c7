package org.metaforge.sdk;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.solver.FixedPointResult;
import org.pf4j.ExtensionPoint;

/**
 * Finds a fixed point {@code z = f(z)} of a batched map.
 *
 * <p>The first axis of {@code z0} is the batch; convergence is judged per sample. A solver never
 * throws or returns NaN for a map that does not converge: it returns the best iterate with {@link
 * FixedPointResult#converged()} false.
 *
 * @param <C> the configuration record
 */
public interface Solver<C extends Record> extends ExtensionPoint, Component<C> {

    /** Solves {@code z = f(z)} starting from {@code z0}; {@code f} must not track gradients. */
    FixedPointResult solve(RunContext context, C config, UnaryOperator<NDArray> f, NDArray z0);
}

package org.metaforge.plugins.ldeq.model;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;
import org.metaforge.sdk.solver.BoundSolver;
import org.metaforge.sdk.solver.FixedPointResult;

/**
 * Inference by the equilibrium, without a graph: solve {@code z* = f(z*, x)} from a start and read
 * out the heatmaps {@code f(z*)}, one step past the solution as the reference does at inference.
 * The solve has already evaluated {@code f} at {@code z*} ({@link FixedPointResult#mapped}): the
 * step costs no further cell evaluation (the reference makes one, 11 for a 10-iteration solve).
 */
public final class Equilibrium {

    private Equilibrium() {}

    /**
     * A solved batch.
     *
     * @param heatmaps {@code f(z*)}, the heatmaps read out and the next frame's start under RwR
     * @param solve the forward solve
     */
    public record Solved(NDArray heatmaps, FixedPointResult solve) {}

    /**
     * Solves from {@code z0} and reads out {@code f(z*)}.
     *
     * @param params the parameters, on a manager the caller closes soon (views pile up there)
     * @param injection the stem's output for the batch
     */
    public static Solved solve(
            LdeqNetwork net, NDArray params, NDArray injection, NDArray z0, BoundSolver solver) {
        return solve(net.cellMap(params, injection), z0, solver);
    }

    /**
     * Solves {@code z = map(z)} from {@code z0} and returns {@code map(z*)} with the solve: the
     * value the solve computed at {@code z*}, not a new evaluation.
     */
    public static Solved solve(UnaryOperator<NDArray> map, NDArray z0, BoundSolver solver) {
        FixedPointResult r = solver.solve(map, z0);
        return new Solved(r.mapped(), r);
    }
}

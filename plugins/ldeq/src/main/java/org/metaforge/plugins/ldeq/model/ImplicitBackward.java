package org.metaforge.plugins.ldeq.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.solver.BoundSolver;
import org.metaforge.sdk.solver.FixedPointResult;

/**
 * Gradients through an equilibrium {@code z* = f(z*, theta)} by implicit differentiation.
 *
 * <p>With {@code g = dL/dz} at the equilibrium, the gradient of {@code L(z*)} is {@code u^T
 * df/dtheta} where {@code u} solves the linear fixed point {@code u = J^T u + g}, {@code J = df/dz}
 * (implicit function theorem; Bai et al. 2019, eq. 8). The caller records one tracked step {@code
 * z1 = f(zLeaf, theta)} at the equilibrium ({@code zLeaf} a recording copy of {@code z*}); each
 * evaluation of the linear map is one vector-Jacobian product on that graph, so memory does not
 * grow with the number of iterations. The linear system is solved by the same {@link BoundSolver}
 * as the forward pass. The Jacobian-free shortcut (Fung et al. 2022) takes {@code u = g}.
 */
public final class ImplicitBackward {

    private ImplicitBackward() {}

    /**
     * The gradients and how the linear solve went.
     *
     * @param gradients one per {@code wrt}, shaped like it, attached to its manager
     * @param solve the backward solve (null for the Jacobian-free shortcut)
     */
    public record Result(NDList gradients, FixedPointResult solve) {}

    /**
     * Solves for {@code u} and returns {@code u^T dz1/dwrt}.
     *
     * @param z1 the tracked step {@code f(zLeaf, ...)}, with a graph
     * @param zLeaf the recording copy of the equilibrium {@code z1} was computed from
     * @param g the loss's gradient with respect to the heatmaps, shaped like {@code z1}
     * @param wrt the leaves to differentiate with respect to
     * @param jacobianFree take {@code u = g} instead of solving
     */
    public static Result gradients(
            Autodiff autodiff,
            BoundSolver solver,
            NDArray z1,
            NDArray zLeaf,
            NDArray g,
            NDList wrt,
            boolean jacobianFree) {
        NDArray u = g;
        FixedPointResult solve = null;
        if (!jacobianFree) {
            NDList outputs = new NDList(z1);
            NDList inputs = new NDList(zLeaf);
            solve =
                    solver.solve(
                            v -> {
                                NDManager home = v.getManager();
                                try (NDManager scratch = home.newSubManager()) {
                                    NDArray jtv =
                                            autodiff.vjp(outputs, inputs, new NDList(v), false)
                                                    .get(0);
                                    jtv.attach(scratch);
                                    NDArray next = jtv.add(g);
                                    next.attach(home);
                                    return next;
                                }
                            },
                            g);
            u = solve.z();
        }
        NDList grads = autodiff.vjp(new NDList(z1), wrt, new NDList(u), false);
        return new Result(grads, solve);
    }
}

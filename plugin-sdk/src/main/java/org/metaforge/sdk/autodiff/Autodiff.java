package org.metaforge.sdk.autodiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.function.Function;

/**
 * Reverse-mode derivatives with optional graphs, so derivatives can be differentiated again.
 *
 * <p>Recording happens only inside a {@link Tape}: open one, mark leaves with {@link
 * #requireGradient}, compute, then ask for derivatives. Derivatives never accumulate into the
 * leaves (no {@code .grad} state), so repeated calls are independent and memory stays flat. Every
 * returned array is attached to the manager of the corresponding input. Implementations are not
 * thread-safe; one tape may be open per thread.
 */
public interface Autodiff {

    /** Starts recording operations on this thread until the tape is closed. */
    Tape tape();

    /**
     * Returns a copy of {@code x} (same manager) that records the operations applied to it. The
     * copy is detached from any graph {@code x} belonged to.
     */
    NDArray requireGradient(NDArray x);

    /**
     * Gradients of the scalar {@code output} with respect to each of {@code inputs}.
     *
     * @param createGraph whether the gradients carry a graph of their own (for second order)
     * @return one gradient per input, shaped like it; zeros for inputs {@code output} does not
     *     depend on
     */
    NDList gradient(NDArray output, NDList inputs, boolean createGraph);

    /**
     * Vector-Jacobian product: {@code sum_i cotangents[i]^T d outputs[i] / d inputs[j]} for each
     * input {@code j}.
     */
    NDList vjp(NDList outputs, NDList inputs, NDList cotangents, boolean createGraph);

    /**
     * Hessian-vector products {@code (d^2 f / dw^2) v} of a scalar function, exactly (double
     * backward), without a graph in the result.
     *
     * @param f the scalar function; called once inside a tape with a recording copy of {@code w}
     * @param w the point, a flat vector
     * @param v the directions, each shaped like {@code w}
     * @return {@code f(w)}, then its gradient, then one product per direction in {@code v}; none
     *     carries a graph
     */
    NDList gradientAndHvp(Function<NDArray, NDArray> f, NDArray w, NDList v);

    /** A recording scope; closing it restores the previous recording state. */
    interface Tape extends AutoCloseable {
        @Override
        void close();
    }
}

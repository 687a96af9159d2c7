package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A network as a pure function of one flat parameter vector and an input batch.
 *
 * <p>Every weight is a view (slice and reshape) of the flat vector, so gradients, Jacobian- and
 * Hessian-vector products with respect to the vector flow through all layers. Buffers that are not
 * trained (batch-norm running statistics) live in a {@link ModelState}. Immutable and thread-safe;
 * the arrays it returns belong to the manager of {@code params}.
 */
public interface FunctionalModel {

    /** Number of entries of the flat parameter vector. */
    long parameterCount();

    /** Shape of one input sample, {@code (C, H, W)} or {@code (D)}. */
    Shape inputShape();

    /** Shape of one output sample, e.g. {@code (10)} for ten logits. */
    Shape outputShape();

    /**
     * Fresh parameters as PyTorch initialises them: weights and biases of linear and convolution
     * layers from {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} (Kaiming-uniform with {@code a =
     * sqrt(5)}), normalisation scales one and shifts zero; a float32 vector of length {@link
     * #parameterCount()} on {@code manager}, fully determined by {@code seed}.
     */
    NDArray initialParameters(NDManager manager, long seed);

    /** A fresh state: running means zero, running variances one. */
    ModelState newState(NDManager manager);

    /**
     * Applies the network.
     *
     * @param params flat parameters, float32 or float64 (the whole computation follows its type)
     * @param x input batch {@code (B, ...inputShape)}
     * @param state buffers; in training mode batch-norm layers replace their running statistics
     *     with updated ones (computed without a graph)
     * @param training batch statistics and state updates when true, running statistics when false
     * @return output batch {@code (B, ...outputShape)}
     */
    NDArray forward(NDArray params, NDArray x, ModelState state, boolean training);
}

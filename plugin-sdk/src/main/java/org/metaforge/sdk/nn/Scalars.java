package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for arrays that may record gradients.
 *
 * <p>DJL's PyTorch engine turns the number in {@code x.mul(2.0)} into a tensor over a Java direct
 * buffer, kept alive only by a Java object it closes right after the operation. When {@code x}
 * records gradients, the graph saves that scalar for the backward pass, and once the garbage
 * collector frees the buffer the backward pass reads freed memory: wrong or NaN gradients, more
 * often the longer a run and the smaller the heap. Inside differentiable code, pass a scalar from
 * {@link #like} instead of a number: its memory belongs to the engine.
 */
public final class Scalars {

    private Scalars() {}

    /**
     * {@code value} as a 0-dimensional array of {@code x}'s data type and device, on {@code x}'s
     * manager, in memory the engine owns. Close it when done (a graph that saved it keeps its own
     * reference).
     */
    public static NDArray like(NDArray x, double value) {
        NDArray s = x.getManager().ones(new Shape(), x.getDataType(), x.getDevice());
        // in place and without a graph, so the temporary number DJL creates here is never saved
        s.muli(value);
        return s;
    }
}

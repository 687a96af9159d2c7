package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One stage of a {@link Sequential} network, described independently of its input shape.
 *
 * <p>A layer is a stateless, immutable recipe: its weights are views of the network's flat
 * parameter vector handed out by the {@link LayerContext}, and its buffers (running statistics)
 * live in the {@link ModelState} under {@code <name>.<buffer>}. All shapes here are per sample,
 * without the batch axis. Implementations must be thread-safe.
 */
public interface Layer {

    /** Stem of the default name, e.g. {@code conv}; {@link Sequential} appends a counter. */
    String kind();

    /**
     * The per-sample output shape for a per-sample {@code input} shape.
     *
     * @throws IllegalArgumentException if the layer cannot take inputs of that shape
     */
    Shape outputShape(Shape input);

    /** Number of entries of the flat parameter vector this layer uses for {@code input}. */
    default long parameterCount(Shape input) {
        return 0;
    }

    /**
     * Writes this layer's initial parameters, exactly {@link #parameterCount(Shape)} of them, in
     * the order {@link #forward} reads them.
     */
    default void initialize(Shape input, ParameterInit init) {}

    /**
     * Adds this layer's buffers to a fresh {@code state}, named {@code <name>.<buffer>}, as float32
     * arrays on {@code manager}.
     */
    default void initializeState(String name, Shape input, ModelState state, NDManager manager) {}

    /**
     * Applies the layer to a batch.
     *
     * @param x batch {@code (B, ...input)} in the parameters' data type; not closed here
     * @param ctx the layer's weights, state, name and mode
     * @return batch {@code (B, ...outputShape(input))}, on the parameters' manager
     */
    NDArray forward(NDArray x, LayerContext ctx);
}

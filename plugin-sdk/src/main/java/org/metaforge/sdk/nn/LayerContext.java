package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * What one layer sees during one forward pass: its weights, buffers, name and mode.
 *
 * <p>Weights are slices of the flat parameter vector reshaped in place of a copy, so gradients with
 * respect to the vector flow through them. Valid for a single call of {@link Layer#forward}.
 */
public final class LayerContext {

    private final String name;
    private final Shape inputShape;
    private final NDArray params;
    private final long offset;
    private final long count;
    private final ModelState state;
    private final boolean training;

    LayerContext(
            String name,
            Shape inputShape,
            NDArray params,
            long offset,
            long count,
            ModelState state,
            boolean training) {
        this.name = name;
        this.inputShape = inputShape;
        this.params = params;
        this.offset = offset;
        this.count = count;
        this.state = state;
        this.training = training;
    }

    /** The layer's name in its network, the prefix of its buffer names. */
    public String name() {
        return name;
    }

    /** The per-sample input shape. */
    public Shape inputShape() {
        return inputShape;
    }

    /** True for a training-mode forward (batch statistics, state updates). */
    public boolean training() {
        return training;
    }

    /** The network's buffers. */
    public ModelState state() {
        return state;
    }

    /** The data type of the whole computation (the parameters' type). */
    public DataType dataType() {
        return params.getDataType();
    }

    /** The manager that owns the parameters and every array the forward pass creates. */
    public NDManager manager() {
        return params.getManager();
    }

    /**
     * A view of this layer's parameters {@code [start, start + shape.size())}, reshaped to {@code
     * shape}; {@code start} counts from the layer's first parameter.
     *
     * @throws IllegalArgumentException if the range leaves the layer's parameters
     */
    public NDArray parameter(long start, Shape shape) {
        long end = start + shape.size();
        if (start < 0 || end > count) {
            throw new IllegalArgumentException(
                    "Layer '"
                            + name
                            + "' asked for parameters ["
                            + start
                            + ", "
                            + end
                            + ") but owns "
                            + count
                            + "; its parameterCount and forward disagree.");
        }
        return params.get(new NDIndex("{}:{}", offset + start, offset + end)).reshape(shape);
    }

    /**
     * The context of a layer nested inside this one, e.g. one stage of a {@link Residual} path.
     *
     * <p>The child is named {@code <name>.<childName>} (so its buffers are {@code
     * <name>.<childName>.<buffer>}), sees the same state and mode, and owns this layer's parameters
     * {@code [start, start + childCount)}.
     *
     * @throws IllegalArgumentException if the range leaves this layer's parameters
     */
    public LayerContext child(String childName, Shape childInput, long start, long childCount) {
        if (start < 0 || childCount < 0 || start + childCount > count) {
            throw new IllegalArgumentException(
                    "Layer '"
                            + name
                            + "' gave its part '"
                            + childName
                            + "' parameters ["
                            + start
                            + ", "
                            + (start + childCount)
                            + ") but owns "
                            + count
                            + "; its parameterCount and forward disagree.");
        }
        return new LayerContext(
                name + "." + childName,
                childInput,
                params,
                offset + start,
                childCount,
                state,
                training);
    }

    /**
     * The buffer {@code <name>.<buffer>} as a new array of the parameters' type on the parameters'
     * manager, without a graph.
     *
     * @throws IllegalStateException if the state lacks it
     */
    public NDArray buffer(String buffer) {
        String key = name + "." + buffer;
        NDArray stored = state.get(key);
        if (stored == null) {
            throw new IllegalStateException(
                    "Model state has no buffer '"
                            + key
                            + "'; create the state with model.newState(manager).");
        }
        // A converted copy, moved here, so that ops on it never leave temporaries on the
        // (long-lived) manager of the state.
        NDArray local = stored.toType(dataType(), true);
        local.attach(manager());
        return local;
    }

    /**
     * Replaces the buffer {@code <name>.<buffer>} with {@code value} (detached, converted to the
     * stored buffer's type).
     */
    public void updateBuffer(String buffer, NDArray value) {
        String key = name + "." + buffer;
        NDArray stored = state.get(key);
        DataType type = stored == null ? value.getDataType() : stored.getDataType();
        NDArray v = value.stopGradient().toType(type, false);
        state.put(key, v);
    }
}

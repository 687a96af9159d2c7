package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Flattens each sample to a vector in row-major order.
 *
 * <p>Input any shape {@code (d1, ..., dk)}; output {@code (d1 * ... * dk)}. No parameters.
 */
public final class Flatten implements Layer {

    private static final Flatten INSTANCE = new Flatten();

    private Flatten() {}

    /** The layer. */
    public static Flatten of() {
        return INSTANCE;
    }

    @Override
    public String kind() {
        return "flatten";
    }

    @Override
    public Shape outputShape(Shape input) {
        return new Shape(input.size());
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        return x.reshape(x.getShape().get(0), ctx.inputShape().size());
    }

    @Override
    public String toString() {
        return "Flatten";
    }
}

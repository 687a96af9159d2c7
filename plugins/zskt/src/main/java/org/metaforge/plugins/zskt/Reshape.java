package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.metaforge.sdk.nn.Layer;
import org.metaforge.sdk.nn.LayerContext;

/** Reshapes each sample to a fixed shape of the same size (PyTorch's {@code view}). */
record Reshape(Shape target) implements Layer {

    @Override
    public String kind() {
        return "reshape";
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.size() != target.size()) {
            throw new IllegalArgumentException(
                    "cannot reshape " + input + " (" + input.size() + " values) to " + target);
        }
        return target;
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        return x.reshape(new Shape(x.getShape().get(0)).addAll(target));
    }
}

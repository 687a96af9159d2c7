package org.metaforge.sdk.nn;

import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Multi-layer perceptrons: flatten, then fully connected layers with an activation between them.
 *
 * <p>Layers are named {@code flatten1} (only for non-flat inputs), {@code fc1 ... fcN} and the
 * activation's kind with a counter; the last layer outputs raw logits.
 */
public final class Mlp {

    private Mlp() {}

    /**
     * An MLP {@code inputShape -> hidden[0] -> ... -> classes}.
     *
     * @param inputShape one sample's shape, flattened first when not already {@code (D)}
     * @param hiddenWidths widths of the hidden layers, possibly empty (logistic regression)
     * @param activation applied after every hidden layer, e.g. {@link Activations#relu()}
     * @param classes number of outputs
     */
    public static Sequential create(
            Shape inputShape, List<Integer> hiddenWidths, Layer activation, int classes) {
        Sequential.Builder b = Sequential.builder(inputShape);
        if (inputShape.dimension() != 1) {
            b.add(Flatten.of());
        }
        for (int width : hiddenWidths) {
            if (width < 1) {
                throw new IllegalArgumentException(
                        "Hidden widths must be >= 1, got " + hiddenWidths + ".");
            }
            b.add(Linear.of(width)).add(activation);
        }
        return b.add(Linear.of(classes)).build();
    }
}

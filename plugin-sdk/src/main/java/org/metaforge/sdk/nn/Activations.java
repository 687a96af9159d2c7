package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.function.UnaryOperator;

/**
 * Element-wise activation layers (any input shape, output the same shape, no parameters).
 *
 * <p>All are twice differentiable almost everywhere on this engine.
 */
public final class Activations {

    private Activations() {}

    /** {@code max(x, 0)}. */
    public static Layer relu() {
        return new Elementwise("relu", "ReLU", Activation::relu);
    }

    /** {@code x} for {@code x > 0}, {@code slope x} otherwise (PyTorch's default slope 0.01). */
    public static Layer leakyRelu(double slope) {
        // Plain ops keep the slope in double precision for float64 computations.
        return new Elementwise(
                "leaky_relu",
                "LeakyReLU(" + slope + ")",
                x -> {
                    // engine-owned scalars: see Scalars
                    try (NDArray zero = Scalars.like(x, 0);
                            NDArray s = Scalars.like(x, slope)) {
                        return x.maximum(zero).add(x.minimum(zero).mul(s));
                    }
                });
    }

    /** {@code tanh(x)}. */
    public static Layer tanh() {
        return new Elementwise("tanh", "Tanh", NDArray::tanh);
    }

    /** {@code 1 / (1 + exp(-x))}. */
    public static Layer sigmoid() {
        return new Elementwise("sigmoid", "Sigmoid", Activation::sigmoid);
    }

    /** {@code x} for {@code x > 0}, {@code alpha (exp(x) - 1)} otherwise. */
    public static Layer elu(double alpha) {
        return new Elementwise(
                "elu",
                "ELU(" + alpha + ")",
                x -> {
                    try (NDArray zero = Scalars.like(x, 0);
                            NDArray one = Scalars.like(x, 1);
                            NDArray a = Scalars.like(x, alpha)) {
                        return x.maximum(zero).add(x.minimum(zero).exp().sub(one).mul(a));
                    }
                });
    }

    private record Elementwise(String kind, String label, UnaryOperator<NDArray> f)
            implements Layer {

        @Override
        public Shape outputShape(Shape input) {
            return input;
        }

        @Override
        public NDArray forward(NDArray x, LayerContext ctx) {
            return f.apply(x);
        }

        @Override
        public String toString() {
            return label;
        }
    }
}

package org.metaforge.sdk.nn;

import ai.djl.ndarray.types.Shape;
import java.util.List;

/** The standard classifiers by name, as configs choose them ({@code mlp | lenet | wrn}). */
public enum Network {
    /** A multi-layer perceptron with ReLU hidden layers. */
    MLP,
    /** LeNet-5 for 28x28 images. */
    LENET,
    /** Wide-ResNet WRN-depth-widen (pre-activation, batch-norm). */
    WRN;

    /**
     * Builds the network for samples of {@code input} and {@code classes} outputs.
     *
     * @param hidden hidden widths (MLP only)
     * @param batchNorm batch-norm after each convolution (LeNet only)
     * @param depth depth, 6n + 4 (WRN only)
     * @param widen widening factor (WRN only)
     */
    public FunctionalModel build(
            Shape input,
            int classes,
            List<Integer> hidden,
            boolean batchNorm,
            int depth,
            int widen) {
        return build(input, classes, hidden, batchNorm, depth, widen, 1);
    }

    /**
     * As {@link #build(Shape, int, List, boolean, int, int)}, with LeNet-5's hidden widths
     * multiplied by {@code lenetWidth} (LeNet only; see {@link LeNet5}).
     */
    public FunctionalModel build(
            Shape input,
            int classes,
            List<Integer> hidden,
            boolean batchNorm,
            int depth,
            int widen,
            double lenetWidth) {
        return switch (this) {
            case MLP -> Mlp.create(input, hidden, Activations.relu(), classes);
            case LENET -> LeNet5.create(input, classes, batchNorm, lenetWidth);
            case WRN -> WideResNet.create(input, depth, widen, classes);
        };
    }
}

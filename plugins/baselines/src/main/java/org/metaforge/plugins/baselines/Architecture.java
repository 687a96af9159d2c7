package org.metaforge.plugins.baselines;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.metaforge.sdk.nn.Activations;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.LeNet5;
import org.metaforge.sdk.nn.Mlp;
import org.metaforge.sdk.nn.WideResNet;

/** The networks {@code baselines/sgd} can train. */
public enum Architecture {
    /** A multi-layer perceptron with ReLU hidden layers. */
    MLP,
    /** LeNet-5 for 28x28 images. */
    LENET,
    /** Wide-ResNet WRN-depth-widen (pre-activation, batch-norm). */
    WRN;

    /** Builds the network for samples of {@code input} and {@code classes} outputs. */
    FunctionalModel build(
            Shape input,
            int classes,
            List<Integer> hidden,
            boolean batchNorm,
            int depth,
            int widen) {
        return switch (this) {
            case MLP -> Mlp.create(input, hidden, Activations.relu(), classes);
            case LENET -> LeNet5.create(input, classes, batchNorm);
            case WRN -> WideResNet.create(input, depth, widen, classes);
        };
    }
}

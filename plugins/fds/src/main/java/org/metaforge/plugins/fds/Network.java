package org.metaforge.plugins.fds;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.metaforge.sdk.nn.Activations;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.LeNet5;
import org.metaforge.sdk.nn.Mlp;
import org.metaforge.sdk.nn.WideResNet;

/** The networks whose hyperparameters {@code fds} learns; the names match {@code baselines/sgd}. */
public enum Network {
    /** A multi-layer perceptron with ReLU hidden layers. */
    MLP,
    /** LeNet-5 for 28x28 images. */
    LENET,
    /** Wide-ResNet WRN-depth-widen (pre-activation, batch-norm). */
    WRN;

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

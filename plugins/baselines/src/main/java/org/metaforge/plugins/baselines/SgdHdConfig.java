package org.metaforge.plugins.baselines;

import java.util.List;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;
import org.metaforge.sdk.nn.Network;

/**
 * Configuration of {@code baselines/sgd-hd}.
 *
 * @param model the network
 * @param hidden hidden widths of the MLP
 * @param batchNorm batch-norm after LeNet's convolutions
 * @param wrnDepth depth of the Wide-ResNet
 * @param wrnWiden widening factor of the Wide-ResNet
 * @param epochs passes over the training data
 * @param batchSize samples per step
 * @param lr the initial learning rate alpha_0
 * @param hypergradientLr the learning rate beta of the learning rate
 * @param momentum Nesterov momentum (0: plain SGD-HD)
 * @param weightDecay L2 weight decay, added to the gradient
 * @param evalBatchSize samples per evaluation batch
 */
public record SgdHdConfig(
        @Param(value = "network to train", defaultValue = "mlp") Network model,
        @Param(value = "hidden layer widths of the MLP", defaultValue = "[256, 128]")
                List<Integer> hidden,
        @Param(value = "batch-norm after each LeNet convolution", defaultValue = "false")
                boolean batchNorm,
        @Param(
                        value = "depth of the Wide-ResNet (6n + 4)",
                        defaultValue = "16",
                        min = 10,
                        max = 100)
                int wrnDepth,
        @Param(value = "widening factor of the Wide-ResNet", defaultValue = "1", min = 1, max = 16)
                int wrnWiden,
        @Param(value = "passes over the training data", defaultValue = "5", min = 1, max = 10000)
                int epochs,
        @Param(value = "samples per SGD step", defaultValue = "128", min = 1, max = 65536)
                int batchSize,
        @Param(value = "initial learning rate alpha_0", defaultValue = "0.01", min = 0, max = 100)
                double lr,
        @Param(
                        value = "hypergradient learning rate beta (0: plain SGD at a fixed lr)",
                        defaultValue = "0.001",
                        min = 0,
                        max = 100)
                double hypergradientLr,
        @Param(
                        value = "Nesterov momentum; 0 gives SGD-HD, above 0 SGDN-HD",
                        defaultValue = "0.9",
                        min = 0,
                        max = 0.999)
                double momentum,
        @Param(
                        value = "weight decay (L2, added to the gradient)",
                        defaultValue = "0",
                        min = 0,
                        max = 1)
                double weightDecay,
        @Param(value = "samples per evaluation batch", defaultValue = "1000", min = 1, max = 65536)
                int evalBatchSize) {

    /** Checks what single-field ranges cannot. */
    public SgdHdConfig {
        ConfigProblems problems = new ConfigProblems("config of baselines/sgd-hd");
        if (model == Network.WRN && (wrnDepth - 4) % 6 != 0) {
            problems.add("wrn-depth", wrnDepth + " is not 6n + 4; use 10, 16, 22, 28, 40, ...");
        }
        if (model == Network.MLP && hidden.stream().anyMatch(h -> h < 1)) {
            problems.add("hidden", "widths must be at least 1, got " + hidden);
        }
        problems.throwIfAny();
        hidden = List.copyOf(hidden);
    }
}

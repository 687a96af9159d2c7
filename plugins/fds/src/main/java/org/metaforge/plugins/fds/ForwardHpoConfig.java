package org.metaforge.plugins.fds;

import java.util.List;
import java.util.Map;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;
import org.metaforge.sdk.nn.Network;

/**
 * Configuration of {@code fds/forward-hpo}; defaults follow the paper's scripts except where the
 * Fashion-MNIST budget differs (noted per field).
 */
public record ForwardHpoConfig(
        @Param(value = "network", defaultValue = "lenet") Network model,
        @Param(value = "hidden widths of the MLP", defaultValue = "[256, 128]")
                List<Integer> hidden,
        @Param(
                        value =
                                "batch-norm after each LeNet convolution (training mode in the inner loop)",
                        defaultValue = "false")
                boolean batchNorm,
        @Param(
                        value = "depth of the Wide-ResNet (6n + 4)",
                        defaultValue = "16",
                        min = 10,
                        max = 100)
                int wrnDepth,
        @Param(value = "widening factor of the Wide-ResNet", defaultValue = "1", min = 1, max = 16)
                int wrnWiden,
        @Param(
                        value = "learning-rate blocks n_lr (contiguous, equal)",
                        defaultValue = "7",
                        min = 1,
                        max = 1000)
                int lrBlocks,
        @Param(value = "momentum blocks n_mu", defaultValue = "1", min = 1, max = 1000)
                int momentumBlocks,
        @Param(value = "weight-decay blocks n_lambda", defaultValue = "1", min = 1, max = 1000)
                int weightDecayBlocks,
        @Param(value = "learn the learning rates", defaultValue = "true") boolean learnLr,
        @Param(value = "learn the momenta", defaultValue = "true") boolean learnMomentum,
        @Param(value = "learn the weight decays", defaultValue = "true") boolean learnWeightDecay,
        @Param(value = "initial learning rate (paper: 0)", defaultValue = "0", min = 0, max = 10)
                double lrInit,
        @Param(value = "initial momentum (paper: 0)", defaultValue = "0", min = 0, max = 0.99)
                double momentumInit,
        @Param(value = "initial weight decay (paper: 0)", defaultValue = "0", min = 0, max = 1)
                double weightDecayInit,
        @Param(
                        value =
                                "inner epochs of each outer step (paper on CIFAR-10: 1 then 10 x 9)",
                        defaultValue = "[1, 2, 2, 2, 2, 2, 2, 2]",
                        min = 1,
                        max = 1000)
                List<Integer> innerEpochs,
        @Param(
                        value = "training samples per inner step",
                        defaultValue = "256",
                        min = 1,
                        max = 65536)
                int batchSize,
        @Param(
                        value = "validation samples per batch of the outer objective",
                        defaultValue = "500",
                        min = 2,
                        max = 65536)
                int validationBatchSize,
        @Param(
                        value = "share of the training set held out, redrawn every outer step",
                        defaultValue = "0.05",
                        min = 0,
                        max = 0.5,
                        minExclusive = true)
                double validationFraction,
        @Param(
                        value = "first step size of the learning rates",
                        defaultValue = "0.1",
                        min = 0,
                        minExclusive = true)
                double lrStepSize,
        @Param(
                        value = "first step size of the momenta",
                        defaultValue = "0.1",
                        min = 0,
                        minExclusive = true)
                double momentumStepSize,
        @Param(
                        value = "first step size of the weight decays",
                        defaultValue = "0.0003",
                        min = 0,
                        minExclusive = true)
                double weightDecayStepSize,
        @Param(
                        value = "step-size factor when a hypergradient's sign flips",
                        defaultValue = "0.5",
                        min = 0,
                        max = 1,
                        minExclusive = true)
                double stepDecay,
        @Param(
                        value =
                                "stop when every step size is below this fraction of its hyperparameter",
                        defaultValue = "0.05",
                        min = 0,
                        max = 1)
                double convergedFraction,
        @Param(
                        value = "elementwise gradient clamp in the inner loop (0: off)",
                        defaultValue = "3",
                        min = 0)
                double clampGrad,
        @Param(
                        value = "elementwise clamp of the Hessian-vector products (0: off)",
                        defaultValue = "1",
                        min = 0)
                double clampHz,
        @Param(
                        value = "fraction of steps per block whose tangent update is skipped",
                        defaultValue = "0",
                        min = 0,
                        max = 0.95)
                double pruningRatio,
        @Param(
                        value = "how pruned steps are chosen",
                        defaultValue = "alternate",
                        oneOf = {"alternate", "truncate"})
                String pruningMode,
        @Param(
                        value =
                                "fds/greedy-hpo only: windows each inner run is cut into; the tangents"
                                        + " restart and the hyperparameters move after each window"
                                        + " (0: one window per learning-rate block)",
                        defaultValue = "0",
                        min = 0,
                        max = 100000)
                int windows,
        @Param(
                        value =
                                "epochs of the final retraining on the full training set (paper: 50)",
                        defaultValue = "15",
                        min = 0,
                        max = 10000)
                int retrainEpochs,
        @Param(
                        value =
                                "the schedule retrained: best = the one whose inner run reached the lowest"
                                        + " validation loss (a guard against schedules that degrade over"
                                        + " outer steps), last = the final update (the paper)",
                        defaultValue = "best",
                        oneOf = {"best", "last"})
                String retrainSchedule,
        @Param(
                        value = "computation precision of the inner loop",
                        defaultValue = "float32",
                        oneOf = {"float32", "float64"})
                String precision,
        @Param(value = "learner that retrains the final schedule", defaultValue = "baselines/sgd")
                String retrainWith) {

    /** Checks what single fields cannot. */
    public ForwardHpoConfig {
        ConfigProblems p = new ConfigProblems("config of fds/forward-hpo");
        if (innerEpochs.isEmpty()) {
            p.add("inner-epochs", "needs at least one outer step, e.g. [1, 2, 2]");
        }
        if (model == Network.WRN && (wrnDepth - 4) % 6 != 0) {
            p.add("wrn-depth", wrnDepth + " is not 6n + 4; use 10, 16, 22, 28, 40, ...");
        }
        if (!learnLr && !learnMomentum && !learnWeightDecay) {
            p.add(
                    "learn-lr",
                    "at least one of learn-lr, learn-momentum, learn-weight-decay must be true");
        }
        p.throwIfAny();
        hidden = List.copyOf(hidden);
        innerEpochs = List.copyOf(innerEpochs);
    }

    /** The network for samples like {@code data}'s. */
    org.metaforge.sdk.nn.FunctionalModel network(org.metaforge.sdk.data.LabeledImages data) {
        return model.build(
                data.sampleShape(), data.numClasses(), hidden, batchNorm, wrnDepth, wrnWiden);
    }

    /** The initial schedule. */
    Schedule initialSchedule() {
        return new Schedule(
                fill(lrBlocks, lrInit),
                fill(momentumBlocks, momentumInit),
                fill(weightDecayBlocks, weightDecayInit));
    }

    /** The first step size of {@code kind}. */
    double stepSize(HyperKind kind) {
        return switch (kind) {
            case LR -> lrStepSize;
            case MOMENTUM -> momentumStepSize;
            case WEIGHT_DECAY -> weightDecayStepSize;
        };
    }

    /** Whether {@code kind} is learned. */
    boolean learns(HyperKind kind) {
        return switch (kind) {
            case LR -> learnLr;
            case MOMENTUM -> learnMomentum;
            case WEIGHT_DECAY -> learnWeightDecay;
        };
    }

    /** The retraining learner's configuration for {@code s}. */
    Map<String, Object> retrainConfig(Schedule s) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("model", model.name().toLowerCase(java.util.Locale.ROOT));
        m.put("hidden", hidden);
        m.put("batch-norm", batchNorm);
        m.put("wrn-depth", wrnDepth);
        m.put("wrn-widen", wrnWiden);
        m.put("epochs", retrainEpochs);
        m.put("batch-size", batchSize);
        m.put("schedule", "piecewise");
        m.put("lr", s.list(HyperKind.LR));
        m.put("momentum", s.list(HyperKind.MOMENTUM));
        m.put("weight-decay", s.list(HyperKind.WEIGHT_DECAY));
        return m;
    }

    private static double[] fill(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}

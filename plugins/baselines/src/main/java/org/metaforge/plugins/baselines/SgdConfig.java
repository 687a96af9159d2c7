package org.metaforge.plugins.baselines;

import java.util.List;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;
import org.metaforge.sdk.nn.Network;

/**
 * Configuration of {@code baselines/sgd}.
 *
 * @param model the network
 * @param hidden hidden widths of the MLP
 * @param batchNorm batch-norm after LeNet's convolutions
 * @param lenetWidth multiplier of LeNet-5's hidden widths
 * @param wrnDepth depth of the Wide-ResNet
 * @param wrnWiden widening factor of the Wide-ResNet
 * @param epochs passes over the training data
 * @param batchSize samples per step
 * @param schedule how the value lists are spread over the steps
 * @param lr learning rates, one per block of steps
 * @param momentum momenta, one per block
 * @param weightDecay weight decays, one per block
 * @param evalBatchSize samples per evaluation batch
 * @param horizonEpochs the epochs the schedules are spread over (0: {@code epochs}); a run with
 *     fewer epochs trains the prefix of the longer run
 * @param continueFrom the cache key of a trial of this learner whose saved training state this run
 *     continues, or {@code none}
 */
public record SgdConfig(
        @Param(value = "network to train", defaultValue = "mlp") Network model,
        @Param(value = "hidden layer widths of the MLP", defaultValue = "[256, 128]")
                List<Integer> hidden,
        @Param(value = "batch-norm after each LeNet convolution", defaultValue = "false")
                boolean batchNorm,
        @Param(
                        value =
                                "multiplier of LeNet-5's widths 6, 16, 120, 84 (2: a 244k-parameter"
                                        + " LeNet)",
                        defaultValue = "1",
                        min = 0,
                        max = 16,
                        minExclusive = true)
                double lenetWidth,
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
        @Param(
                        value =
                                "piecewise: value i applies to the i-th of n equal blocks of"
                                        + " steps; cosine: lr decays from lr[0] to 0",
                        defaultValue = "piecewise")
                ScheduleKind schedule,
        @Param(
                        value = "learning rates, one per contiguous block of steps",
                        defaultValue = "[0.1]",
                        min = 0,
                        max = 100)
                List<Double> lr,
        @Param(
                        value = "momenta, one per block of steps",
                        defaultValue = "[0.9]",
                        min = 0,
                        max = 0.999)
                List<Double> momentum,
        @Param(
                        value = "weight decays (L2, added to the gradient), one per block",
                        defaultValue = "[0.0005]",
                        min = 0,
                        max = 1)
                List<Double> weightDecay,
        @Param(value = "samples per evaluation batch", defaultValue = "1000", min = 1, max = 65536)
                int evalBatchSize,
        @Param(
                        value =
                                "epochs the schedules are spread over (0: epochs); fewer epochs"
                                        + " train the prefix of that longer run",
                        defaultValue = "0",
                        min = 0,
                        max = 10000)
                int horizonEpochs,
        @Param(
                        value =
                                "cache key of a shorter trial of this learner (same config but"
                                        + " epochs) to continue from its saved state; none: start"
                                        + " fresh",
                        defaultValue = "none")
                String continueFrom) {

    /** The value of {@code continue-from} that starts from fresh weights. */
    public static final String FRESH = "none";

    /** Checks what single-field ranges cannot. */
    public SgdConfig {
        ConfigProblems problems = new ConfigProblems("config of baselines/sgd");
        if (lr.isEmpty()) {
            problems.add("lr", "needs at least one value, e.g. [0.1]");
        }
        if (momentum.isEmpty()) {
            problems.add("momentum", "needs at least one value, e.g. [0.9]");
        }
        if (weightDecay.isEmpty()) {
            problems.add("weight-decay", "needs at least one value, e.g. [0.0005]");
        }
        if (schedule == ScheduleKind.COSINE && lr.size() != 1) {
            problems.add("lr", "a cosine schedule takes one peak value, got " + lr.size());
        }
        if (model == Network.WRN && (wrnDepth - 4) % 6 != 0) {
            problems.add("wrn-depth", wrnDepth + " is not 6n + 4; use 10, 16, 22, 28, 40, ...");
        }
        if (model == Network.MLP && hidden.stream().anyMatch(h -> h < 1)) {
            problems.add("hidden", "widths must be at least 1, got " + hidden);
        }
        if (horizonEpochs != 0 && horizonEpochs < epochs) {
            problems.add(
                    "horizon-epochs",
                    horizonEpochs
                            + " is below epochs ("
                            + epochs
                            + "); the horizon must cover the run, or be 0");
        }
        if (continueFrom.isBlank()) {
            problems.add("continue-from", "is blank; give a trial's key or none");
        }
        problems.throwIfAny();
        hidden = List.copyOf(hidden);
        lr = List.copyOf(lr);
        momentum = List.copyOf(momentum);
        weightDecay = List.copyOf(weightDecay);
    }

    /** The learning rate at {@code step} of {@code total}. */
    double lrAt(long step, long total) {
        return schedule == ScheduleKind.COSINE
                ? ScheduleKind.cosine(lr.get(0), step, total)
                : ScheduleKind.piecewise(lr, step, total);
    }

    /** The momentum at {@code step} of {@code total}. */
    double momentumAt(long step, long total) {
        return ScheduleKind.piecewise(momentum, step, total);
    }

    /** The weight decay at {@code step} of {@code total}. */
    double weightDecayAt(long step, long total) {
        return ScheduleKind.piecewise(weightDecay, step, total);
    }

    /** The epochs the schedules are defined over. */
    int horizon() {
        return horizonEpochs == 0 ? epochs : horizonEpochs;
    }

    /** Whether this run starts from a shorter trial's saved state. */
    boolean continues() {
        return !FRESH.equals(continueFrom);
    }

    /** The largest number of blocks any list asks for. */
    int maxBlocks() {
        return Math.max(lr.size(), Math.max(momentum.size(), weightDecay.size()));
    }
}

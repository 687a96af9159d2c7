package org.metaforge.plugins.zskt;

import java.util.List;
import java.util.Map;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;
import org.metaforge.sdk.nn.Network;

/**
 * Configuration of {@code zskt/zero-shot}; defaults are the paper's CIFAR-10 scripts.
 *
 * @param teacher the {@code baselines/sgd} configuration that trains the teacher
 * @param studentModel the student network
 * @param studentHidden hidden widths of an MLP student
 * @param studentBatchNorm batch-norm in a LeNet student
 * @param studentWrnDepth depth of a Wide-ResNet student
 * @param studentWrnWiden widening factor of a Wide-ResNet student
 * @param pseudoBatches number of pseudo-batches
 * @param batchSize generated samples per pseudo-batch
 * @param zDim dimension of the generator's noise
 * @param inputMean per-channel mean the generator's standardised output is shifted to
 * @param inputStd per-channel std it is scaled by
 * @param generatorSteps generator steps per pseudo-batch (n_G)
 * @param studentSteps student steps per pseudo-batch (n_S)
 * @param generatorLr the generator's initial Adam learning rate
 * @param studentLr the student's initial Adam learning rate
 * @param beta weight of attention transfer
 * @param temperature temperature of the divergence
 * @param clip gradient-norm clipping threshold
 * @param evalEvery pseudo-batches between test evaluations
 * @param checkpointEvery pseudo-batches between checkpoints
 * @param sampleGrids how many grids of generated samples to save
 * @param transitionCurves whether to compute transition curves and the MTE
 * @param transitionImages images for the transition curves
 * @param transitionSteps adversarial steps per curve
 * @param transitionStepSize adversarial step size
 * @param evalBatchSize samples per evaluation batch
 */
public record ZeroShotConfig(
        @Param("baselines/sgd configuration of the teacher (trained once, cached)")
                Map<String, Object> teacher,
        @Param(value = "student network", defaultValue = "wrn") Network studentModel,
        @Param(value = "hidden layer widths of an MLP student", defaultValue = "[256, 128]")
                List<Integer> studentHidden,
        @Param(
                        value = "batch-norm after each convolution of a LeNet student",
                        defaultValue = "false")
                boolean studentBatchNorm,
        @Param(
                        value = "depth of a Wide-ResNet student (6n + 4)",
                        defaultValue = "16",
                        min = 10,
                        max = 100)
                int studentWrnDepth,
        @Param(
                        value = "widening factor of a Wide-ResNet student",
                        defaultValue = "1",
                        min = 1,
                        max = 16)
                int studentWrnWiden,
        @Param(value = "number of pseudo-batches", defaultValue = "80000", min = 1, max = 1e8)
                int pseudoBatches,
        @Param(
                        value = "generated samples per pseudo-batch",
                        defaultValue = "128",
                        min = 2,
                        max = 4096)
                int batchSize,
        @Param(
                        value = "dimension of the generator's noise z",
                        defaultValue = "100",
                        min = 1,
                        max = 4096)
                int zDim,
        @Param(
                        value =
                                "per-channel mean of the teacher's pixels that the generator's"
                                        + " standardised output is shifted to (one value, or one"
                                        + " per channel)",
                        defaultValue = "[0.0]",
                        min = -1e6,
                        max = 1e6)
                List<Double> inputMean,
        @Param(
                        value =
                                "per-channel std the generator's standardised output is scaled"
                                        + " by ([1.0] with [0.0]: the paper's generator, for"
                                        + " teachers of standardised inputs)",
                        defaultValue = "[1.0]",
                        min = 0,
                        minExclusive = true,
                        max = 1e6)
                List<Double> inputStd,
        @Param(
                        value = "generator steps per pseudo-batch (n_G)",
                        defaultValue = "1",
                        min = 0,
                        max = 100)
                int generatorSteps,
        @Param(
                        value = "student steps per pseudo-batch (n_S)",
                        defaultValue = "10",
                        min = 1,
                        max = 100)
                int studentSteps,
        @Param(
                        value = "initial Adam learning rate of the generator (cosine to 0)",
                        defaultValue = "0.001",
                        min = 0,
                        max = 1)
                double generatorLr,
        @Param(
                        value = "initial Adam learning rate of the student (cosine to 0)",
                        defaultValue = "0.002",
                        min = 0,
                        max = 1)
                double studentLr,
        @Param(
                        value = "weight of attention transfer (0: divergence only)",
                        defaultValue = "250",
                        min = 0,
                        max = 1e6)
                double beta,
        @Param(
                        value = "temperature of the divergence",
                        defaultValue = "1",
                        min = 0,
                        minExclusive = true,
                        max = 100)
                double temperature,
        @Param(
                        value = "gradient-norm clipping threshold (0: no clipping)",
                        defaultValue = "5",
                        min = 0,
                        max = 1e6)
                double clip,
        @Param(
                        value = "pseudo-batches between test-accuracy evaluations",
                        defaultValue = "1000",
                        min = 1,
                        max = 1e8)
                int evalEvery,
        @Param(
                        value = "pseudo-batches between checkpoints",
                        defaultValue = "500",
                        min = 1,
                        max = 1e8)
                int checkpointEvery,
        @Param(
                        value = "grids of generated samples saved over training (0: none)",
                        defaultValue = "4",
                        min = 0,
                        max = 100)
                int sampleGrids,
        @Param(
                        value = "compute transition curves of student vs teacher and the MTE",
                        defaultValue = "false")
                boolean transitionCurves,
        @Param(
                        value = "test images (agreed on by both nets) for the transition curves",
                        defaultValue = "100",
                        min = 1,
                        max = 100000)
                int transitionImages,
        @Param(
                        value = "adversarial steps per transition curve",
                        defaultValue = "200",
                        min = 1,
                        max = 10000)
                int transitionSteps,
        @Param(
                        value = "adversarial step size on the image",
                        defaultValue = "1",
                        min = 0,
                        minExclusive = true,
                        max = 1000)
                double transitionStepSize,
        @Param(value = "samples per evaluation batch", defaultValue = "1000", min = 1, max = 65536)
                int evalBatchSize) {

    /** Checks what single-field ranges cannot. */
    public ZeroShotConfig {
        ConfigProblems problems = new ConfigProblems("config of zskt/zero-shot");
        StudentChecks.check(problems, studentModel, studentHidden, studentWrnDepth);
        if (teacher == null || teacher.isEmpty()) {
            problems.add(
                    "teacher",
                    "needs the baselines/sgd configuration of the teacher, e.g. {model: lenet,"
                            + " epochs: 5}");
        }
        if (inputMean.isEmpty() || inputStd.isEmpty()) {
            problems.add(
                    inputMean.isEmpty() ? "input-mean" : "input-std",
                    "needs at least one value, e.g. [0.0] and [1.0]");
        } else if (inputMean.size() != inputStd.size()) {
            problems.add(
                    "input-std",
                    "has "
                            + inputStd.size()
                            + " values but input-mean has "
                            + inputMean.size()
                            + "; give one of each per channel");
        }
        problems.throwIfAny();
        teacher = Map.copyOf(teacher);
        studentHidden = List.copyOf(studentHidden);
        inputMean = List.copyOf(inputMean);
        inputStd = List.copyOf(inputStd);
    }

    /**
     * The generator's output map for images of {@code channels} channels: a single value applies to
     * every channel.
     *
     * @throws IllegalArgumentException if the lists have neither one value nor one per channel
     */
    PixelScale pixelScale(int channels) {
        if (inputMean.size() != 1 && inputMean.size() != channels) {
            throw new IllegalArgumentException(
                    "input-mean and input-std have "
                            + inputMean.size()
                            + " values but the teacher takes "
                            + channels
                            + "-channel images; give one value or one per channel");
        }
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = inputMean.get(inputMean.size() == 1 ? 0 : c);
            std[c] = inputStd.get(inputStd.size() == 1 ? 0 : c);
        }
        return new PixelScale(mean, std);
    }

    /** Pseudo-batches at which a grid of samples is saved: evenly spaced, the last at the end. */
    boolean gridAt(long done) {
        if (sampleGrids == 0) {
            return false;
        }
        for (int g = 1; g <= sampleGrids; g++) {
            if (done == Math.max(1, (long) pseudoBatches * g / sampleGrids)) {
                return true;
            }
        }
        return false;
    }
}

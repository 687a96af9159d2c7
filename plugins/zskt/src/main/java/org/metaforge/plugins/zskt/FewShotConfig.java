package org.metaforge.plugins.zskt;

import java.util.List;
import java.util.Map;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;
import org.metaforge.sdk.nn.Network;

/**
 * Configuration of the few-shot comparators {@code zskt/kd-at}, {@code zskt/kd} and {@code
 * zskt/scratch}; defaults follow the authors' few-shot scripts (SGD 0.1, momentum 0.9, weight decay
 * 5e-4, alpha 0.9, T 4, beta 1000), with a cosine learning rate in place of their step decay.
 * {@code zskt/kd} ignores {@code beta}; {@code zskt/scratch} ignores {@code alpha}, {@code
 * temperature} and {@code beta} (it still loads the teacher, to report agreement and MTE).
 *
 * @param teacher the {@code baselines/sgd} configuration that trains the teacher
 * @param studentModel the student network
 * @param studentHidden hidden widths of an MLP student
 * @param studentBatchNorm batch-norm in a LeNet student
 * @param studentWrnDepth depth of a Wide-ResNet student
 * @param studentWrnWiden widening factor of a Wide-ResNet student
 * @param shotsPerClass real training images per class (M)
 * @param zeroShot a {@code zskt/zero-shot} configuration whose student to start from
 * @param steps SGD steps
 * @param batchSize images per step
 * @param lr initial learning rate
 * @param momentum SGD momentum
 * @param weightDecay L2 weight decay
 * @param alpha weight of the distillation term
 * @param temperature distillation temperature
 * @param beta weight of attention transfer
 * @param evalEvery steps between test evaluations
 * @param checkpointEvery steps between checkpoints
 * @param transitionCurves whether to compute transition curves and the MTE
 * @param transitionImages images for the transition curves
 * @param transitionSteps adversarial steps per curve
 * @param transitionStepSize adversarial step size
 * @param evalBatchSize samples per evaluation batch
 */
public record FewShotConfig(
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
        @Param(
                        value = "real training images per class (M), drawn once from the seed",
                        defaultValue = "10",
                        min = 1,
                        max = 100000)
                int shotsPerClass,
        @Param(
                        value =
                                "zskt/zero-shot configuration (without teacher and student keys,"
                                        + " which are taken from here) whose student is fine-tuned;"
                                        + " {} trains from a fresh student",
                        defaultValue = "{}")
                Map<String, Object> zeroShot,
        @Param(value = "SGD steps", defaultValue = "2000", min = 1, max = 1e8) int steps,
        @Param(value = "images per step", defaultValue = "128", min = 1, max = 65536) int batchSize,
        @Param(
                        value = "initial learning rate (cosine to 0)",
                        defaultValue = "0.1",
                        min = 0,
                        max = 10)
                double lr,
        @Param(value = "SGD momentum", defaultValue = "0.9", min = 0, max = 0.999) double momentum,
        @Param(value = "L2 weight decay", defaultValue = "0.0005", min = 0, max = 1)
                double weightDecay,
        @Param(
                        value = "weight of distillation: (1 - alpha) CE + 2 alpha T^2 KL",
                        defaultValue = "0.9",
                        min = 0,
                        max = 1)
                double alpha,
        @Param(
                        value = "distillation temperature",
                        defaultValue = "4",
                        min = 0,
                        minExclusive = true,
                        max = 100)
                double temperature,
        @Param(value = "weight of attention transfer", defaultValue = "1000", min = 0, max = 1e6)
                double beta,
        @Param(value = "steps between test evaluations", defaultValue = "200", min = 1, max = 1e8)
                int evalEvery,
        @Param(value = "steps between checkpoints", defaultValue = "200", min = 1, max = 1e8)
                int checkpointEvery,
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

    /** Keys of a zero-shot configuration that this configuration supplies itself. */
    static final List<String> SHARED_KEYS =
            List.of(
                    "teacher",
                    "student-model",
                    "student-hidden",
                    "student-batch-norm",
                    "student-wrn-depth",
                    "student-wrn-widen");

    /** Checks what single-field ranges cannot. */
    public FewShotConfig {
        ConfigProblems problems = new ConfigProblems("config of the zskt few-shot comparators");
        StudentChecks.check(problems, studentModel, studentHidden, studentWrnDepth);
        if (teacher == null || teacher.isEmpty()) {
            problems.add(
                    "teacher",
                    "needs the baselines/sgd configuration of the teacher, e.g. {model: lenet,"
                            + " epochs: 5}");
        }
        for (String k : SHARED_KEYS) {
            if (zeroShot != null && zeroShot.containsKey(k)) {
                problems.add(
                        "zero-shot",
                        "must not set '" + k + "': the teacher and student come from this config");
            }
        }
        problems.throwIfAny();
        teacher = Map.copyOf(teacher);
        zeroShot = Map.copyOf(zeroShot);
        studentHidden = List.copyOf(studentHidden);
    }

    /** The zero-shot configuration to start from: {@link #zeroShot} plus the shared keys. */
    Map<String, Object> zeroShotTrialConfig() {
        Map<String, Object> m = new java.util.LinkedHashMap<>(zeroShot);
        m.put("teacher", teacher);
        m.put("student-model", studentModel.name().toLowerCase(java.util.Locale.ROOT));
        m.put("student-hidden", studentHidden);
        m.put("student-batch-norm", studentBatchNorm);
        m.put("student-wrn-depth", studentWrnDepth);
        m.put("student-wrn-widen", studentWrnWiden);
        return m;
    }
}

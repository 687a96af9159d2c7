package org.metaforge.plugins.baselines;

import java.util.List;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;

/**
 * Configuration of {@code baselines/reptile}.
 *
 * <p>Defaults follow the Reptile paper where the CPU budget allows: 5 inner steps in training and a
 * meta-batch of 5 tasks (its Omniglot set-up), the outer step size annealed linearly from 1 to 0.
 * The inner optimiser of meta-training is plain SGD, not the paper's Adam, so that by default
 * evaluation is exactly MAML's (SGD of {@code inner-lr} on the support set) and the two methods
 * differ only in their meta-update; {@code test-optimizer: adam} fine-tunes with Adam at test time
 * instead, the optimiser of the paper's inner loop and of the support-only floor.
 *
 * @param ways classes per episode
 * @param shots support images per class
 * @param queries query images per class
 * @param metaBatch tasks per outer step, their adapted weights averaged
 * @param innerSteps SGD steps on each task's support and query images during meta-training
 * @param innerStepsTest fine-tuning steps on the support set when evaluating, of {@code
 *     testOptimizer}
 * @param innerLr SGD learning rate of the inner loop and of evaluation fine-tuning
 * @param outerStep the interpolation step at the first outer step, annealed linearly to zero
 * @param trainIterations outer steps
 * @param testEpisodes fixed, seeded meta-test episodes the reported accuracy averages over
 * @param validationEpisodes fixed, seeded meta-validation episodes per evaluation
 * @param evalEvery outer steps between meta-validation evaluations
 * @param checkpointEvery outer steps between checkpoints
 * @param trainClasses dataset classes of meta-training and meta-validation
 * @param testClasses dataset classes of meta-testing, disjoint from {@code trainClasses}
 * @param validationFraction share of the training classes' images held out for meta-validation
 * @param channels channels of each convolution block
 * @param classAugmentation extra meta-training classes made by rotating the training classes
 * @param testOptimizer the optimiser of evaluation fine-tuning: SGD, as the inner loop, or Adam
 * @param testLr the learning rate of evaluation fine-tuning, {@code innerLr} when 0
 * @param ensemble initialisations meta-trained independently whose fine-tuned predictions
 *     evaluation averages
 */
public record ReptileConfig(
        @Param(value = "classes per episode (N-way)", defaultValue = "5", min = 2, max = 1000)
                int ways,
        @Param(value = "support images per class (K-shot)", defaultValue = "1", min = 1, max = 1000)
                int shots,
        @Param(value = "query images per class", defaultValue = "15", min = 1, max = 1000)
                int queries,
        @Param(
                        value = "tasks per outer step, adapted weights averaged",
                        defaultValue = "5",
                        min = 1,
                        max = 10_000)
                int metaBatch,
        @Param(
                        value =
                                "SGD steps on each task's support and query images in meta-training",
                        defaultValue = "5",
                        min = 1,
                        max = 1000)
                int innerSteps,
        @Param(
                        value =
                                "fine-tuning steps on the support set when evaluating (of"
                                        + " test-optimizer)",
                        defaultValue = "10",
                        min = 0,
                        max = 100_000)
                int innerStepsTest,
        @Param(
                        value = "SGD learning rate of the inner loop and evaluation fine-tuning",
                        defaultValue = "0.1",
                        min = 0,
                        max = 10,
                        minExclusive = true)
                double innerLr,
        @Param(
                        value =
                                "outer interpolation step at the first outer step, annealed"
                                        + " linearly to zero",
                        defaultValue = "1.0",
                        min = 0,
                        max = 1,
                        minExclusive = true)
                double outerStep,
        @Param(value = "outer steps", defaultValue = "2000", min = 0, max = 10_000_000)
                int trainIterations,
        @Param(
                        value = "fixed, seeded meta-test episodes the accuracy is averaged over",
                        defaultValue = "600",
                        min = 2,
                        max = 1_000_000)
                int testEpisodes,
        @Param(
                        value = "fixed, seeded meta-validation episodes per evaluation",
                        defaultValue = "100",
                        min = 2,
                        max = 1_000_000)
                int validationEpisodes,
        @Param(
                        value = "outer steps between meta-validation evaluations",
                        defaultValue = "100",
                        min = 1,
                        max = 10_000_000)
                int evalEvery,
        @Param(
                        value = "outer steps between checkpoints",
                        defaultValue = "100",
                        min = 1,
                        max = 10_000_000)
                int checkpointEvery,
        @Param(
                        value = "dataset classes for meta-training and meta-validation",
                        defaultValue = "[0, 1, 2, 3, 4]",
                        min = 0)
                List<Integer> trainClasses,
        @Param(
                        value = "dataset classes for meta-testing, unseen in meta-training",
                        defaultValue = "[5, 6, 7, 8, 9]",
                        min = 0)
                List<Integer> testClasses,
        @Param(
                        value =
                                "share of the training classes' images held out for meta-validation",
                        defaultValue = "0.1",
                        min = 0,
                        max = 0.9,
                        minExclusive = true)
                double validationFraction,
        @Param(
                        value = "channels of each of the four conv blocks",
                        defaultValue = "64",
                        min = 1,
                        max = 1024)
                int channels,
        @Param(
                        value =
                                "extra meta-training classes: none, or rotations (each training"
                                        + " class turned by 90, 180, 270 degrees is a new class)",
                        defaultValue = "none")
                ClassAugmentation classAugmentation,
        @Param(
                        value =
                                "optimiser of evaluation fine-tuning on the support set: sgd (as"
                                        + " the inner loop) or adam (fresh moments per episode)",
                        defaultValue = "sgd")
                FineTuneOptimizer testOptimizer,
        @Param(
                        value =
                                "learning rate of evaluation fine-tuning; 0 (the default) takes"
                                        + " inner-lr",
                        defaultValue = "0",
                        min = 0,
                        max = 10)
                double testLr,
        @Param(
                        value =
                                "initialisations meta-trained one after the other, each from its"
                                        + " own random start and training episodes; evaluation"
                                        + " fine-tunes each on the support set and averages their"
                                        + " softmax probabilities (1: one initialisation, the"
                                        + " method as published)",
                        defaultValue = "1",
                        min = 1,
                        max = 100)
                int ensemble)
        implements MetaTrainingConfig {

    @Override
    public double testLearningRate() {
        return testLr > 0 ? testLr : innerLr;
    }

    /** Checks the class lists against each other and against {@code ways}. */
    public ReptileConfig {
        ConfigProblems problems = new ConfigProblems("config of baselines/reptile");
        EpisodicTask.checkClasses(problems, trainClasses, testClasses, ways);
        problems.throwIfAny();
        trainClasses = List.copyOf(trainClasses);
        testClasses = List.copyOf(testClasses);
    }
}

package org.metaforge.plugins.baselines;

import java.util.List;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;

/**
 * Configuration of {@code baselines/maml}.
 *
 * <p>Defaults follow the MAML paper's Omniglot set-up where the CPU budget allows (5 inner steps in
 * training, 10 at test time, Adam with outer learning rate 1e-3) and its mini-ImageNet set-up for
 * the meta-batch (4 tasks). The inner learning rate 0.1 sits between the paper's 0.4 (Omniglot, one
 * inner step) and 0.01 (mini-ImageNet): five steps of 0.1 move the weights about as far as the
 * Omniglot step does, without the early divergence five steps of 0.4 risk on Fashion-MNIST.
 *
 * @param ways classes per episode
 * @param shots support images per class
 * @param queries query images per class
 * @param metaBatch tasks per outer step, their meta-gradients averaged
 * @param innerSteps SGD steps on the support set during meta-training
 * @param innerStepsTest SGD steps on the support set when evaluating
 * @param innerLr SGD learning rate of the inner loop and of evaluation fine-tuning
 * @param outerLr Adam learning rate of the outer loop
 * @param trainIterations outer steps
 * @param testEpisodes fixed, seeded meta-test episodes the reported accuracy averages over
 * @param validationEpisodes fixed, seeded meta-validation episodes per evaluation
 * @param evalEvery outer steps between meta-validation evaluations
 * @param checkpointEvery outer steps between checkpoints
 * @param trainClasses dataset classes of meta-training and meta-validation
 * @param testClasses dataset classes of meta-testing, disjoint from {@code trainClasses}
 * @param validationFraction share of the training classes' images held out for meta-validation
 * @param firstOrder first-order MAML: the meta-gradient is the query gradient at the adapted
 *     weights
 * @param channels channels of each convolution block
 * @param classAugmentation extra meta-training classes made by rotating the training classes
 */
public record MamlConfig(
        @Param(value = "classes per episode (N-way)", defaultValue = "5", min = 2, max = 1000)
                int ways,
        @Param(value = "support images per class (K-shot)", defaultValue = "1", min = 1, max = 1000)
                int shots,
        @Param(value = "query images per class", defaultValue = "15", min = 1, max = 1000)
                int queries,
        @Param(
                        value = "tasks per outer step, meta-gradients averaged",
                        defaultValue = "4",
                        min = 1,
                        max = 10_000)
                int metaBatch,
        @Param(
                        value = "SGD steps on the support set in meta-training",
                        defaultValue = "5",
                        min = 1,
                        max = 1000)
                int innerSteps,
        @Param(
                        value = "SGD steps on the support set when evaluating",
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
                        value = "Adam learning rate of the outer loop",
                        defaultValue = "0.001",
                        min = 0,
                        max = 1,
                        minExclusive = true)
                double outerLr,
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
                        value =
                                "first-order MAML: the meta-gradient is the query gradient at the"
                                        + " adapted weights (no second derivatives)",
                        defaultValue = "false")
                boolean firstOrder,
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
                ClassAugmentation classAugmentation)
        implements MetaTrainingConfig {

    /** Checks the class lists against each other and against {@code ways}. */
    public MamlConfig {
        ConfigProblems problems = new ConfigProblems("config of baselines/maml");
        EpisodicTask.checkClasses(problems, trainClasses, testClasses, ways);
        problems.throwIfAny();
        trainClasses = List.copyOf(trainClasses);
        testClasses = List.copyOf(testClasses);
    }
}

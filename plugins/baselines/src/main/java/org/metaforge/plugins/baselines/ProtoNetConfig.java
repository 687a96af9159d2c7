package org.metaforge.plugins.baselines;

import java.util.List;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;

/**
 * Configuration of {@code baselines/protonet}.
 *
 * @param ways classes per episode
 * @param shots support images per class
 * @param queries query images per class
 * @param trainEpisodes meta-training episodes (one Adam step each)
 * @param testEpisodes fixed, seeded meta-test episodes the reported accuracy averages over
 * @param validationEpisodes fixed, seeded meta-validation episodes per evaluation
 * @param evalEvery meta-training episodes between meta-validation evaluations
 * @param checkpointEvery meta-training episodes between checkpoints
 * @param trainClasses dataset classes of meta-training and meta-validation
 * @param testClasses dataset classes of meta-testing, disjoint from {@code trainClasses}
 * @param validationFraction share of the training classes' images held out for meta-validation
 * @param lr Adam's learning rate
 * @param channels channels of each convolution block of the embedding
 * @param transductiveBatchNorm whether evaluation normalises with each episode's batch statistics
 *     instead of the running statistics
 * @param trainWays classes per meta-training episode, 0 for {@code ways}
 * @param classAugmentation extra meta-training classes made by rotating the training classes
 * @param pooledBlocks how many of the four conv blocks end in a max-pool
 * @param testSteps Adam steps of fine-tuning the embedding on each test episode's support set
 *     before its queries are classified, 0 for none (the method as published)
 * @param testLr Adam's learning rate for those steps
 * @param testQueries what the support set is scored on while fine-tuning
 * @param featureTransform how evaluation transforms an episode's embeddings before classifying
 * @param ensemble embeddings meta-trained independently whose features evaluation concatenates
 * @param trainShift largest random translation, in pixels, of a meta-training image
 * @param head how evaluation classifies the queries from the embeddings
 * @param headL2 weight of the squared-norm penalty of the logistic head
 * @param headSteps accelerated gradient steps fitting the logistic head on each support set
 */
public record ProtoNetConfig(
        @Param(value = "classes per episode (N-way)", defaultValue = "5", min = 2, max = 1000)
                int ways,
        @Param(value = "support images per class (K-shot)", defaultValue = "1", min = 1, max = 1000)
                int shots,
        @Param(value = "query images per class", defaultValue = "15", min = 1, max = 1000)
                int queries,
        @Param(
                        value = "meta-training episodes, one Adam step each",
                        defaultValue = "2000",
                        min = 0,
                        max = 10_000_000)
                int trainEpisodes,
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
                        value = "meta-training episodes between meta-validation evaluations",
                        defaultValue = "100",
                        min = 1,
                        max = 10_000_000)
                int evalEvery,
        @Param(
                        value = "meta-training episodes between checkpoints",
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
                        value = "Adam learning rate",
                        defaultValue = "0.001",
                        min = 0,
                        max = 1,
                        minExclusive = true)
                double lr,
        @Param(
                        value = "channels of each of the four conv blocks (embedding dimension)",
                        defaultValue = "64",
                        min = 1,
                        max = 1024)
                int channels,
        @Param(
                        value =
                                "evaluate with each episode's batch statistics (transductive)"
                                        + " instead of the running statistics",
                        defaultValue = "false")
                boolean transductiveBatchNorm,
        @Param(
                        value =
                                "classes per meta-training episode (0: ways); the ProtoNet paper"
                                        + " trains with more ways than it tests",
                        defaultValue = "0",
                        min = 0,
                        max = 1000)
                int trainWays,
        @Param(
                        value =
                                "extra meta-training classes: none, or rotations (each training"
                                        + " class turned by 90, 180, 270 degrees is a new class)",
                        defaultValue = "none")
                ClassAugmentation classAugmentation,
        @Param(
                        value =
                                "conv blocks that end in a 2x2 max-pool (4: the literature's"
                                        + " embedding of channels dimensions on 28x28; 3: 9 x"
                                        + " channels)",
                        defaultValue = "4",
                        min = 1,
                        max = 4)
                int pooledBlocks,
        @Param(
                        value =
                                "Adam steps fine-tuning the embedding on each test episode's"
                                        + " support set before its queries are classified (0:"
                                        + " none, the method as published)",
                        defaultValue = "0",
                        min = 0,
                        max = 100_000)
                int testSteps,
        @Param(
                        value = "Adam learning rate of the test-time fine-tuning",
                        defaultValue = "0.001",
                        min = 0,
                        max = 1,
                        minExclusive = true)
                double testLr,
        @Param(
                        value =
                                "what the support set is scored on while fine-tuning:"
                                        + " leave-one-out (each support image against the"
                                        + " prototypes of the others; 2 shots or more) or mirror"
                                        + " (each support image mirrored against the prototypes)",
                        defaultValue = "leave-one-out")
                FineTuneQueries testQueries,
        @Param(
                        value =
                                "how evaluation transforms each episode's embeddings before the"
                                        + " prototypes: none (the method as published),"
                                        + " centred-l2 (subtract the support mean, unit L2"
                                        + " norm) or power-centred-l2 (square root first)",
                        defaultValue = "none")
                FeatureTransform featureTransform,
        @Param(
                        value =
                                "embeddings meta-trained one after the other, each from its own"
                                        + " initialisation and episodes; evaluation concatenates"
                                        + " their transformed features, so the distances to the"
                                        + " prototypes add up over the members (1: one network,"
                                        + " the method as published)",
                        defaultValue = "1",
                        min = 1,
                        max = 100)
                int ensemble,
        @Param(
                        value =
                                "meta-training moves each image by a random offset of up to this"
                                        + " many pixels in each direction, zero-filled (0: no"
                                        + " shift); evaluation never shifts",
                        defaultValue = "0",
                        min = 0,
                        max = 8)
                int trainShift,
        @Param(
                        value =
                                "how evaluation classifies the queries: prototypes (nearest"
                                        + " prototype, the method as published) or logistic"
                                        + " (logistic regression fitted on the support"
                                        + " embeddings, started from the prototypes)",
                        defaultValue = "prototypes")
                ProtoNetHead head,
        @Param(
                        value =
                                "weight of the squared-norm penalty of the logistic head, added"
                                        + " to its mean cross-entropy on the support set",
                        defaultValue = "0.001",
                        min = 0,
                        max = 1000,
                        minExclusive = true)
                double headL2,
        @Param(
                        value = "gradient steps fitting the logistic head on each support set",
                        defaultValue = "300",
                        min = 1,
                        max = 1_000_000)
                int headSteps) {

    /** Checks the class lists against each other and against {@code ways}. */
    public ProtoNetConfig {
        ConfigProblems problems = new ConfigProblems("config of baselines/protonet");
        EpisodicTask.checkClasses(problems, trainClasses, testClasses, ways);
        EpisodicTask.checkTrainWays(problems, trainWays, trainClasses.size(), classAugmentation);
        if (trainWays == 1) {
            problems.add("train-ways", "is 1; an episode needs at least 2 classes (0: ways)");
        }
        if (testSteps > 0 && testQueries == FineTuneQueries.LEAVE_ONE_OUT && shots < 2) {
            problems.add(
                    "test-queries",
                    "is leave-one-out with 1 shot: a class with one support image has no other"
                            + " image to make its prototype from; use mirror, or test-steps: 0");
        }
        problems.throwIfAny();
        trainClasses = List.copyOf(trainClasses);
        testClasses = List.copyOf(testClasses);
    }

    /** The episode shape. */
    EpisodeSize episodeSize() {
        return new EpisodeSize(ways, shots, queries);
    }

    /** Classes per meta-training episode: {@code train-ways}, or {@code ways} when it is 0. */
    int metaTrainingWays() {
        return trainWays == 0 ? ways : trainWays;
    }
}

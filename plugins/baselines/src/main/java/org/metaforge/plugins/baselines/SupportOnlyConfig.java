package org.metaforge.plugins.baselines;

import java.util.List;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;

/**
 * Configuration of {@code baselines/support-only}.
 *
 * <p>The episode fields ({@code ways}, {@code shots}, {@code queries}, the class lists and {@code
 * validation-fraction}) must match those of the method it is compared with, so that the same seed
 * gives the same test episodes.
 *
 * @param ways classes per episode
 * @param shots support images per class
 * @param queries query images per class
 * @param testEpisodes fixed, seeded meta-test episodes the reported accuracy averages over
 * @param trainClasses dataset classes of meta-training (unused here; they fix the class split)
 * @param testClasses dataset classes of meta-testing
 * @param validationFraction share of the training classes' images held out (fixes the split)
 * @param steps Adam steps on each episode's support set
 * @param lr Adam learning rate
 * @param channels channels of each convolution block
 */
public record SupportOnlyConfig(
        @Param(value = "classes per episode (N-way)", defaultValue = "5", min = 2, max = 1000)
                int ways,
        @Param(value = "support images per class (K-shot)", defaultValue = "1", min = 1, max = 1000)
                int shots,
        @Param(value = "query images per class", defaultValue = "15", min = 1, max = 1000)
                int queries,
        @Param(
                        value = "fixed, seeded meta-test episodes the accuracy is averaged over",
                        defaultValue = "600",
                        min = 2,
                        max = 1_000_000)
                int testEpisodes,
        @Param(
                        value =
                                "dataset classes of meta-training (not trained on here; they"
                                        + " fix the class split)",
                        defaultValue = "[0, 1, 2, 3, 4]",
                        min = 0)
                List<Integer> trainClasses,
        @Param(
                        value = "dataset classes for meta-testing",
                        defaultValue = "[5, 6, 7, 8, 9]",
                        min = 0)
                List<Integer> testClasses,
        @Param(
                        value =
                                "share of the training classes' images held out for"
                                        + " meta-validation (fixes the split)",
                        defaultValue = "0.1",
                        min = 0,
                        max = 0.9,
                        minExclusive = true)
                double validationFraction,
        @Param(
                        value = "Adam steps on each episode's support set",
                        defaultValue = "50",
                        min = 0,
                        max = 1_000_000)
                int steps,
        @Param(
                        value = "Adam learning rate",
                        defaultValue = "0.001",
                        min = 0,
                        max = 1,
                        minExclusive = true)
                double lr,
        @Param(
                        value = "channels of each of the four conv blocks",
                        defaultValue = "64",
                        min = 1,
                        max = 1024)
                int channels) {

    /** Checks the class lists against each other and against {@code ways}. */
    public SupportOnlyConfig {
        ConfigProblems problems = new ConfigProblems("config of baselines/support-only");
        EpisodicTask.checkClasses(problems, trainClasses, testClasses, ways);
        problems.throwIfAny();
        trainClasses = List.copyOf(trainClasses);
        testClasses = List.copyOf(testClasses);
    }

    /** The episode shape. */
    EpisodeSize episodeSize() {
        return new EpisodeSize(ways, shots, queries);
    }
}

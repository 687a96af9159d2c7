package org.metaforge.plugins.baselines;

import java.util.Arrays;
import org.metaforge.sdk.run.RunResult;

/**
 * Mean accuracy over episodes with the 95% confidence interval the few-shot literature reports.
 *
 * @param mean the mean of the per-episode accuracies
 * @param ci95 the half-width {@code 1.96 * s / sqrt(n)}, {@code s} the sample standard deviation
 *     (denominator {@code n - 1}); NaN for a single episode
 * @param episodes the number of episodes {@code n}
 */
public record EpisodeAccuracy(double mean, double ci95, int episodes) {

    /** The normal quantile of a two-sided 95% interval. */
    public static final double Z95 = 1.96;

    /**
     * Summarises per-episode accuracies.
     *
     * @throws IllegalArgumentException if {@code accuracies} is empty
     */
    public static EpisodeAccuracy of(double[] accuracies) {
        int n = accuracies.length;
        if (n == 0) {
            throw new IllegalArgumentException("A mean accuracy needs at least one episode.");
        }
        double sum = 0;
        for (double a : accuracies) {
            sum += a;
        }
        double mean = sum / n;
        if (n == 1) {
            return new EpisodeAccuracy(mean, Double.NaN, 1);
        }
        double ss = 0;
        for (double a : accuracies) {
            ss += (a - mean) * (a - mean);
        }
        double std = Math.sqrt(ss / (n - 1));
        return new EpisodeAccuracy(mean, Z95 * std / Math.sqrt(n), n);
    }

    /**
     * Adds the figures every few-shot method reports to {@code result}: {@code <eval>_accuracy},
     * {@code <eval>_accuracy_ci95}, {@code <eval>_episodes}, and the per-episode accuracies as the
     * artefact {@code <eval>_episode_accuracies}.
     *
     * @param perEpisode the accuracies this summary was made from
     * @return {@code result}
     */
    RunResult.Builder addTo(RunResult.Builder result, String eval, double[] perEpisode) {
        return result.metric(eval + "_accuracy", mean)
                .metric(eval + "_accuracy_ci95", ci95)
                .metric(eval + "_episodes", episodes)
                .artifact(eval + "_episode_accuracies", Arrays.stream(perEpisode).boxed().toList());
    }
}

package org.metaforge.experiments.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.run.ExperimentSpec;
import org.metaforge.sdk.run.RunResult;

/**
 * The paired comparison behind {@code metaforge compare --paired-with}: two few-shot runs scored on
 * the same test episodes, compared episode by episode. The per-episode differences are far less
 * spread than either run's accuracies (an episode that is hard for one method is hard for the
 * other), so the interval of the mean difference is much narrower than the two runs' own intervals
 * side by side.
 */
final class PairedEpisodes {

    /** The normal quantile of a two-sided 95% interval, as the few-shot figures use. */
    private static final double Z95 = 1.96;

    /**
     * Spec fields that decide which test episodes a few-shot run draws; two runs compared pair by
     * pair must agree on all of them (besides dataset, data directory and seed).
     */
    static final List<String> EPISODE_FIELDS =
            List.of("ways", "shots", "queries", "test-classes", "test-episodes");

    private PairedEpisodes() {}

    /**
     * The mean of {@code a[i] - base[i]} with its 95% interval {@code 1.96 s / sqrt(n)} ({@code s}
     * the sample standard deviation of the differences; NaN for one episode), and how many episodes
     * {@code a} scored higher, equal or lower.
     */
    record Difference(double mean, double ci95, int wins, int ties, int losses, int episodes) {

        /** True when the whole interval lies above zero. */
        boolean above() {
            return mean - ci95 > 0;
        }

        /** True when the whole interval lies below zero. */
        boolean below() {
            return mean + ci95 < 0;
        }
    }

    /** One compared run: its spec, seed and difference from the baseline's run of that seed. */
    record Row(String spec, long seed, double accuracy, Difference difference) {}

    /**
     * Compares per-episode accuracies.
     *
     * @throws IllegalArgumentException if the arrays differ in length or are empty
     */
    static Difference of(double[] a, double[] base) {
        if (a.length != base.length || a.length == 0) {
            throw new IllegalArgumentException(
                    "paired episodes need two equally long, non-empty lists, got "
                            + a.length
                            + " and "
                            + base.length);
        }
        int n = a.length;
        double sum = 0;
        int wins = 0;
        int ties = 0;
        for (int i = 0; i < n; i++) {
            double d = a[i] - base[i];
            sum += d;
            if (d > 0) {
                wins++;
            } else if (d == 0) {
                ties++;
            }
        }
        double mean = sum / n;
        double ci = Double.NaN;
        if (n > 1) {
            double ss = 0;
            for (int i = 0; i < n; i++) {
                double d = a[i] - base[i] - mean;
                ss += d * d;
            }
            ci = Z95 * Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
        }
        return new Difference(mean, ci, wins, ties, n - wins - ties, n);
    }

    /**
     * The name of the per-episode artefact behind {@code metric}: {@code X_accuracy} is the mean of
     * {@code X_episode_accuracies}.
     *
     * @throws BadInputException if {@code metric} is not of that form
     */
    static String artifactFor(String metric) throws BadInputException {
        String suffix = "_accuracy";
        if (!metric.endsWith(suffix) || metric.length() == suffix.length()) {
            throw new BadInputException(
                    "--paired-with compares the per-episode accuracies of few-shot runs, so the"
                            + " metric must be one such as test_accuracy (the mean of the"
                            + " artefact test_episode_accuracies); got --metric "
                            + metric
                            + ".");
        }
        return metric.substring(0, metric.length() - suffix.length()) + "_episode_accuracies";
    }

    /**
     * The per-episode accuracies {@code artifact} of a result.
     *
     * @param run what to call the run in a message, e.g. {@code "protonet-5shot (seed 1)"}
     * @throws BadInputException if the result holds no such list of numbers
     */
    static double[] accuracies(RunResult result, String artifact, String run)
            throws BadInputException {
        Object value = result.artifacts().get(artifact);
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new BadInputException(
                    "The result of "
                            + run
                            + " has no per-episode accuracies '"
                            + artifact
                            + "' (its artefacts: "
                            + result.artifacts().keySet()
                            + "), so it cannot be compared episode by episode. --paired-with"
                            + " works with the few-shot components (protonet, maml, reptile,"
                            + " support-only).");
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number x)) {
                throw new BadInputException(
                        "The result of "
                                + run
                                + " holds a '"
                                + artifact
                                + "' whose entry "
                                + i
                                + " is not a number ("
                                + list.get(i)
                                + "); the store may be damaged.");
            }
            out[i] = x.doubleValue();
        }
        return out;
    }

    /**
     * Checks that two specs draw the same test episodes: same dataset, data directory and seed, and
     * the same {@link #EPISODE_FIELDS}.
     *
     * @throws BadInputException naming every field that differs
     */
    static void checkSameEpisodes(ExperimentSpec a, ExperimentSpec base) throws BadInputException {
        StringBuilder diff = new StringBuilder();
        differ(diff, "dataset", a.dataset(), base.dataset());
        differ(diff, "data directory", a.dataDir(), base.dataDir());
        differ(diff, "seed", a.seed(), base.seed());
        Map<String, Object> ca = a.config();
        Map<String, Object> cb = base.config();
        for (String f : EPISODE_FIELDS) {
            differ(diff, f, ca.get(f), cb.get(f));
        }
        if (diff.length() > 0) {
            throw new BadInputException(
                    "--paired-with "
                            + base.name()
                            + ": "
                            + a.name()
                            + " is not scored on the same test episodes ("
                            + diff
                            + "). A paired comparison needs the same dataset, seed, ways, shots,"
                            + " queries, test classes and number of test episodes.");
        }
    }

    private static void differ(StringBuilder out, String field, Object a, Object b) {
        if (!Objects.equals(a == null ? null : a.toString(), b == null ? null : b.toString())) {
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(field).append(' ').append(a).append(" against ").append(b);
        }
    }

    /** The Markdown table of differences from the baseline {@code base}. */
    static String table(String metric, String base, List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| spec | seed | ")
                .append(metric)
                .append(" | difference from ")
                .append(base)
                .append(" (paired, ± 95% CI) | episodes won / tied / lost | verdict |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            Difference d = r.difference();
            String verdict = d.above() ? "above" : d.below() ? "below" : "no clear difference";
            b.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %.4f | %+.4f ± %.4f | %d / %d / %d | %s |%n",
                            r.spec(),
                            r.seed(),
                            r.accuracy(),
                            d.mean(),
                            d.ci95(),
                            d.wins(),
                            d.ties(),
                            d.losses(),
                            verdict));
        }
        return b.toString();
    }
}

package org.metaforge.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.run.ExperimentSpec;
import org.metaforge.sdk.run.RunResult;

class PairedEpisodesTest {

    @Test
    void meanDifferenceWithItsIntervalAndTheEpisodeCounts() {
        // differences 0.2, 0, 0.2, -0.2: mean 0.05; squared deviations 0.0225 + 0.0025 + 0.0225
        // + 0.0625 = 0.11, sample variance 0.11 / 3, interval 1.96 * sqrt(0.11 / 3) / 2
        PairedEpisodes.Difference d =
                PairedEpisodes.of(
                        new double[] {1.0, 0.8, 0.6, 0.6}, new double[] {0.8, 0.8, 0.4, 0.8});
        assertEquals(0.05, d.mean(), 1e-12);
        assertEquals(1.96 * Math.sqrt(0.11 / 3) / 2, d.ci95(), 1e-12);
        assertEquals(0.1876557, d.ci95(), 1e-7);
        assertEquals(2, d.wins());
        assertEquals(1, d.ties());
        assertEquals(1, d.losses());
        assertEquals(4, d.episodes());
        assertFalse(d.above());
        assertFalse(d.below());
    }

    @Test
    void aConstantGapIsClearEvenWhenTheRunsOwnIntervalsOverlap() {
        // Both runs spread over 0.2-1.0 (wide own intervals), but one is always 0.05 higher.
        double[] base = {0.2, 0.4, 0.6, 0.8, 0.95};
        double[] a = new double[base.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = base[i] + 0.05;
        }
        PairedEpisodes.Difference d = PairedEpisodes.of(a, base);
        assertEquals(0.05, d.mean(), 1e-12);
        assertEquals(0, d.ci95(), 1e-12);
        assertTrue(d.above());
        assertTrue(PairedEpisodes.of(base, a).below());
    }

    @Test
    void unequalListsAreRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> PairedEpisodes.of(new double[] {1}, new double[] {1, 0}));
    }

    @Test
    void theArtefactBehindAnAccuracyMetric() throws Exception {
        assertEquals("test_episode_accuracies", PairedEpisodes.artifactFor("test_accuracy"));
        BadInputException e =
                assertThrows(
                        BadInputException.class, () -> PairedEpisodes.artifactFor("test_loss"));
        assertTrue(e.getMessage().contains("--metric test_loss"), e.getMessage());
    }

    @Test
    void readsNumbersFromTheResultAndNamesWhatIsMissing() throws Exception {
        RunResult r =
                new RunResult(
                        Map.of(),
                        Map.of(),
                        Map.of("test_episode_accuracies", List.of(0.5, 1, 0.25f)),
                        List.of());
        double[] x = PairedEpisodes.accuracies(r, "test_episode_accuracies", "run");
        assertEquals(List.of(0.5, 1.0, 0.25), java.util.Arrays.stream(x).boxed().toList());
        BadInputException e =
                assertThrows(
                        BadInputException.class,
                        () ->
                                PairedEpisodes.accuracies(
                                        r, "val_episode_accuracies", "sgd (seed 1)"));
        assertTrue(e.getMessage().contains("sgd (seed 1) has no per-episode"), e.getMessage());
    }

    @Test
    void specsMustDrawTheSameTestEpisodes() throws Exception {
        ExperimentSpec base = spec("floor", 1, 5);
        PairedEpisodes.checkSameEpisodes(spec("other", 1, 5), base);
        BadInputException e =
                assertThrows(
                        BadInputException.class,
                        () -> PairedEpisodes.checkSameEpisodes(spec("other", 2, 1), base));
        assertTrue(e.getMessage().contains("seed 2 against 1"), e.getMessage());
        assertTrue(e.getMessage().contains("shots 1 against 5"), e.getMessage());
    }

    @Test
    void oneRowPerRunWithAVerdict() {
        String t =
                PairedEpisodes.table(
                        "test_accuracy",
                        "floor",
                        List.of(
                                new PairedEpisodes.Row(
                                        "maml",
                                        1,
                                        0.8,
                                        new PairedEpisodes.Difference(0.02, 0.01, 5, 1, 2, 8)),
                                new PairedEpisodes.Row(
                                        "reptile",
                                        1,
                                        0.7,
                                        new PairedEpisodes.Difference(-0.005, 0.01, 3, 1, 4, 8))));
        List<String> lines = t.lines().toList();
        assertEquals(4, lines.size(), t);
        assertTrue(lines.get(0).contains("difference from floor"), t);
        assertEquals("| maml | 1 | 0.8000 | +0.0200 ± 0.0100 | 5 / 1 / 2 | above |", lines.get(2));
        assertEquals(
                "| reptile | 1 | 0.7000 | -0.0050 ± 0.0100 | 3 / 1 / 4 | no clear difference |",
                lines.get(3));
    }

    private static ExperimentSpec spec(String name, long seed, int shots) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ways", 5);
        config.put("shots", shots);
        config.put("queries", 15);
        config.put("test-classes", List.of(5, 6, 7, 8, 9));
        config.put("test-episodes", 600);
        return new ExperimentSpec(
                name, Path.of(name + ".yaml"), "baselines/x", config, "d", null, seed, "cpu");
    }
}

package org.metaforge.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metaforge.experiments.report.RunReportWriter;
import org.metaforge.sdk.run.Plot;

class CompareCommandTest {

    @Test
    void meanAndSampleStandardDeviation() {
        // mean 0.9; deviations -0.1, 0, 0.1: sample variance 0.02 / 2 = 0.01
        assertEquals("0.9000 ± 0.1000", CompareCommand.meanStd(List.of(0.8, 0.9, 1.0), "%.4f"));
        assertEquals("12.5", CompareCommand.meanStd(List.of(12.5), "%.1f"));
    }

    @Test
    void oneMarkdownRowPerSpec() {
        String t =
                CompareCommand.table(
                        "test_accuracy",
                        List.of(
                                new CompareCommand.Row(
                                        "a", "x/y", List.of(0.5, 0.7), List.of(10.0, 14.0))));
        List<String> lines = t.lines().toList();
        assertEquals(3, lines.size(), t);
        assertTrue(lines.get(0).contains("test_accuracy (mean ± std)"), t);
        assertEquals("| a | x/y | 0.6000 ± 0.1414 | 0.5000, 0.7000 | 12.0 ± 2.8 |", lines.get(2));
    }

    @Test
    void overlaysTheNamedPlotOfEveryRunInOnePng(@TempDir Path dir) throws Exception {
        Plot rs =
                new Plot(
                        "Best validation accuracy vs training epochs spent",
                        "epochs spent",
                        "best validation accuracy",
                        List.of(
                                new Plot.Series(
                                        "random search",
                                        new double[] {8, 16},
                                        new double[] {0.8, 0.85})));
        Plot sh =
                new Plot(
                        "other title",
                        "x",
                        "y",
                        List.of(
                                new Plot.Series("a", new double[] {1, 2}, new double[] {0.5, 0.6}),
                                new Plot.Series("b", new double[] {3}, new double[] {0.7})));
        Plot o =
                CompareCommand.overlay(
                        List.of(
                                new CompareCommand.Labeled("rs-spec", "rs-spec", rs),
                                new CompareCommand.Labeled("sh-spec", "sh-spec (seed 2)", sh)));
        assertEquals("Best validation accuracy vs training epochs spent", o.title());
        assertEquals("epochs spent", o.xLabel());
        assertEquals(
                List.of("rs-spec", "sh-spec (seed 2): a", "sh-spec (seed 2): b"),
                o.series().stream().map(Plot.Series::name).toList());
        assertArrayEquals(new double[] {0.5, 0.6}, o.series().get(1).y());
        Path png = dir.resolve("sub/compare.png");
        RunReportWriter.writePng(o, png);
        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(
                new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(bytes, 4));
        assertTrue(bytes.length > 5000, "an 800x500 chart, " + bytes.length + " bytes");
    }

    @Test
    void severalSeedsOfASpecAreDrawnAsTheirMeanHeldBetweenPoints() {
        Plot seed1 = oneCurve(new double[] {1, 3}, new double[] {0.5, 0.8});
        Plot seed2 = oneCurve(new double[] {2, 3}, new double[] {0.6, 0.7});
        Plot other = oneCurve(new double[] {4}, new double[] {0.9});
        Plot o =
                CompareCommand.overlay(
                        List.of(
                                new CompareCommand.Labeled("rs", "rs (seed 1)", seed1),
                                new CompareCommand.Labeled("rs", "rs (seed 2)", seed2),
                                new CompareCommand.Labeled("fds", "fds", other)));
        assertEquals(
                List.of("rs (mean of 2 seeds)", "fds"),
                o.series().stream().map(Plot.Series::name).toList());
        // x = 1: seed 2 has no value yet; x = 2: (0.5 held + 0.6) / 2; x = 3: (0.8 + 0.7) / 2
        assertArrayEquals(new double[] {2, 3}, o.series().get(0).x());
        assertArrayEquals(new double[] {0.55, 0.75}, o.series().get(0).y(), 1e-12);
        assertArrayEquals(new double[] {0.9}, o.series().get(1).y());
    }

    private static Plot oneCurve(double[] x, double[] y) {
        return new Plot("t", "x", "y", List.of(new Plot.Series("s", x, y)));
    }
}

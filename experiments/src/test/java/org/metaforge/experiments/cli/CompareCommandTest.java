package org.metaforge.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

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
}

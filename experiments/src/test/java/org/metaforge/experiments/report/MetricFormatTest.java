package org.metaforge.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricFormatTest {

    @Test
    void everydayValuesGetFourDecimals() {
        assertEquals("0.8412", MetricFormat.format(0.84123456));
        assertEquals("1.0000", MetricFormat.format(1.0));
        assertEquals("0.0000", MetricFormat.format(0.0));
        assertEquals("-12.5000", MetricFormat.format(-12.5));
    }

    @Test
    void largeWholeNumbersHaveNoDecimals() {
        assertEquals("6000", MetricFormat.format(6000.0));
        assertEquals("157", MetricFormat.format(157.0));
        assertEquals("10", MetricFormat.format(10.0));
        assertEquals("9.0000", MetricFormat.format(9.0));
        assertEquals("123456789", MetricFormat.format(123456789.0));
    }

    @Test
    void tinyAndHugeValuesUseScientificNotation() {
        assertEquals("1.2300e-05", MetricFormat.format(0.0000123));
        assertEquals("1.5000e+06", MetricFormat.format(1.5e6 + 0.25));
    }

    @Test
    void nonFiniteAndMissingValuesAreSpelledOut() {
        assertEquals("NaN", MetricFormat.format(Double.NaN));
        assertEquals("-Infinity", MetricFormat.format(Double.NEGATIVE_INFINITY));
        assertEquals("-", MetricFormat.format(null));
    }
}

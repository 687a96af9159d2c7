package org.metaforge.experiments.report;

import java.util.Locale;

/** Turns a metric value into the short text people read in tables. */
final class MetricFormat {

    private MetricFormat() {}

    /**
     * Formats {@code value} for a table: whole numbers from 10 up (counts) without decimals,
     * everyday magnitudes with four decimals ({@code 0.8412}), tiny or huge ones in scientific
     * notation ({@code 1.2346e-05}); {@code NaN}, {@code Infinity} and {@code -Infinity} as Java
     * spells them. A {@code null} value reads {@code "-"}.
     */
    static String format(Double value) {
        if (value == null) {
            return "-";
        }
        double v = value;
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        double magnitude = Math.abs(v);
        if (v == Math.rint(v) && magnitude >= 10 && magnitude < 1e15) {
            return Long.toString((long) v);
        }
        if (magnitude == 0 || (magnitude >= 1e-3 && magnitude < 1e6)) {
            return String.format(Locale.ROOT, "%.4f", v);
        }
        return String.format(Locale.ROOT, "%.4e", v);
    }
}

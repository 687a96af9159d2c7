package org.metaforge.experiments.console;

import java.util.Locale;

/** The wording of plain progress lines: counts, rates and durations. */
final class ProgressText {

    private ProgressText() {}

    /** How a line ends when the work is not running any more. */
    enum Phase {
        RUNNING,
        STOPPED
    }

    /**
     * One progress line, e.g. {@code train: 1200/6000 step (20%), 35.2 step/s, ETA 2m16s, loss
     * 0.412}.
     *
     * <p>Without a known total ({@code total <= 0}) there is no percentage and no ETA. Rate and ETA
     * appear once at least one unit is done and time has passed. A line at or past the total says
     * how long the work took instead of an ETA; a stopped, unfinished one says when it stopped.
     */
    static String line(
            String label,
            long done,
            long total,
            String unit,
            long elapsedNanos,
            String status,
            Phase phase) {
        StringBuilder line = new StringBuilder(label).append(": ").append(done);
        if (total > 0) {
            line.append('/').append(total).append(' ').append(unit);
            line.append(" (").append((long) Math.floor(100.0 * done / total)).append("%)");
        } else {
            line.append(' ').append(unit);
        }
        double seconds = elapsedNanos / 1e9;
        boolean complete = total > 0 && done >= total;
        if (done > 0 && seconds > 0) {
            double rate = done / seconds;
            line.append(", ").append(rate(rate, unit));
            if (complete) {
                line.append(", took ").append(duration(seconds));
            } else if (phase == Phase.STOPPED) {
                line.append(", stopped after ").append(duration(seconds));
            } else if (total > 0) {
                line.append(", ETA ").append(duration((total - done) / rate));
            }
        } else if (phase == Phase.STOPPED && !complete) {
            line.append(", stopped");
        }
        if (status != null && !status.isBlank()) {
            line.append(", ").append(status.strip());
        }
        return line.toString();
    }

    /**
     * A rate in {@code units} per second: {@code 1234 step/s}, {@code 35.2 step/s}; below one per
     * second as time per unit, which reads better for slow outer steps: {@code 42.5 s/step}, {@code
     * 2m05s/step}.
     */
    static String rate(double perSecond, String unit) {
        if (perSecond >= 100) {
            return String.format(Locale.ROOT, "%.0f %s/s", perSecond, unit);
        }
        if (perSecond >= 1) {
            return String.format(Locale.ROOT, "%.1f %s/s", perSecond, unit);
        }
        double secondsPerUnit = 1 / perSecond;
        if (secondsPerUnit < 60) {
            return String.format(Locale.ROOT, "%.1f s/%s", secondsPerUnit, unit);
        }
        return duration(secondsPerUnit) + "/" + unit;
    }

    /**
     * A duration rounded to whole seconds, in its two largest units: {@code 45s}, {@code 2m16s},
     * {@code 1h02m}, {@code 3d04h}.
     */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86400, (s % 86400) / 3600);
    }
}

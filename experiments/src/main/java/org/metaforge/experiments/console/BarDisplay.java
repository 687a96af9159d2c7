package org.metaforge.experiments.console;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows progress as a redrawn bar with count, rate and ETA (me.tongfei progressbar). Only for
 * interactive terminals: its consumer asks JLine for the terminal width.
 */
final class BarDisplay implements ProgressDisplay {

    private final ProgressBar bar;

    BarDisplay(
            String label,
            long total,
            String unit,
            ProgressBarStyle style,
            ProgressBarConsumer consumer) {
        this.bar =
                new ProgressBarBuilder()
                        .setTaskName(label)
                        .setInitialMax(total > 0 ? total : -1)
                        .setStyle(style)
                        .setUnit(" " + unit, 1)
                        .showSpeed(
                                new DecimalFormat(
                                        "0.0", DecimalFormatSymbols.getInstance(Locale.ROOT)))
                        .setSpeedUnit(ChronoUnit.SECONDS)
                        .setUpdateIntervalMillis(500)
                        .setConsumer(consumer)
                        .build();
    }

    @Override
    public void update(long done, String status) {
        bar.stepTo(done);
        bar.setExtraMessage(extraMessage(status));
    }

    @Override
    public void finish(long done, String status) {
        update(done, status);
        bar.close();
    }

    // The bar appends its extra message right after the rate, with no separator of its own.
    private static String extraMessage(String status) {
        return status.isBlank() ? "" : " " + status.strip();
    }
}

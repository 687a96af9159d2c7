package org.metaforge.experiments.console;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Shows progress as plain lines, for logs and pipes: one at the start, then at most one per
 * interval, one when the total is reached, and a last one on close if the count changed since.
 */
final class LineDisplay implements ProgressDisplay {

    private final String label;
    private final long total;
    private final String unit;
    private final PrintStream out;
    private final long minIntervalNanos;
    private final LongSupplier nanoClock;
    private final long startNanos;

    private boolean printedAny;
    private long lastPrintNanos;
    private long lastPrintedDone;
    private boolean completePrinted;

    LineDisplay(
            String label,
            long total,
            String unit,
            PrintStream out,
            long minIntervalNanos,
            LongSupplier nanoClock) {
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.minIntervalNanos = minIntervalNanos;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    @Override
    public void update(long done, String status) {
        long now = nanoClock.getAsLong();
        boolean reachedTotal = total > 0 && done >= total && !completePrinted;
        if (!printedAny || reachedTotal || now - lastPrintNanos >= minIntervalNanos) {
            print(done, status, now, ProgressText.Phase.RUNNING);
        }
    }

    @Override
    public void finish(long done, String status) {
        // A status that changed after the last count is not worth a line of its own: components
        // typically step and then set the status, which would repeat the 100% line.
        if (!printedAny || done != lastPrintedDone) {
            print(done, status, nanoClock.getAsLong(), ProgressText.Phase.STOPPED);
        }
        out.flush();
    }

    private void print(long done, String status, long now, ProgressText.Phase phase) {
        out.println(ProgressText.line(label, done, total, unit, now - startNanos, status, phase));
        printedAny = true;
        lastPrintNanos = now;
        lastPrintedDone = done;
        completePrinted |= total > 0 && done >= total;
    }
}

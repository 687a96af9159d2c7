package org.metaforge.experiments.console;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Shows progress as plain lines, for logs and pipes: one at the start, then at most one per
 * interval, one when the total is reached, and a last one on close if the count changed since.
 *
 * <p>Components typically take their last step and then set the status that goes with it (the last
 * epoch's loss, the best trial so far). The line for the total therefore waits for the next update
 * (or for close) and shows that status, with the time at which the total was reached.
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
    private long reachedNanos = -1;

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
        if (reachedTotal && printedAny) {
            if (reachedNanos < 0) {
                reachedNanos = now; // the status set right after the last step belongs on the line
            } else {
                print(done, status, reachedNanos, ProgressText.Phase.RUNNING);
            }
        } else if (!printedAny || (!completePrinted && now - lastPrintNanos >= minIntervalNanos)) {
            print(done, status, now, ProgressText.Phase.RUNNING);
        }
    }

    @Override
    public void finish(long done, String status) {
        if (reachedNanos >= 0 && !completePrinted) {
            print(done, status, reachedNanos, ProgressText.Phase.RUNNING);
        } else if (!printedAny || done != lastPrintedDone) {
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

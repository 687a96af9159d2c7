package org.metaforge.experiments.console;

import org.metaforge.sdk.run.Progress;

/**
 * A {@link Progress} shown on the console, as a bar or as plain lines depending on how {@link
 * ConsoleProgressFactory} found the terminal.
 *
 * <p>Thread-safe. Steps and status changes after {@link #close()} are ignored, so a component that
 * keeps reporting while the host winds down cannot break the run; closing twice is harmless.
 */
public final class ConsoleProgress implements Progress {

    private final ProgressDisplay display;
    private long done;
    private String status = "";
    private boolean closed;

    ConsoleProgress(ProgressDisplay display) {
        this.display = display;
        display.update(0, status);
    }

    /**
     * Marks {@code n} more units done.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     */
    @Override
    public synchronized void step(long n) {
        if (n < 0) {
            throw new IllegalArgumentException(
                    "Progress can only advance; step(" + n + ") needs a count >= 0.");
        }
        if (closed) {
            return;
        }
        done += n;
        display.update(done, status);
    }

    /** Replaces the status shown after the count; {@code null} clears it. */
    @Override
    public synchronized void status(String text) {
        if (closed) {
            return;
        }
        status = text == null ? "" : text;
        display.update(done, status);
    }

    /** Units done so far. */
    public synchronized long done() {
        return done;
    }

    /** Shows the final state and releases the display. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        display.finish(done, status);
    }
}

package org.metaforge.sdk.run;

/**
 * A progress report over a known amount of work; close it when the work ends.
 *
 * <p>The host renders it as a bar with rate and ETA on a terminal and as plain lines otherwise.
 */
public interface Progress extends AutoCloseable {

    /** Marks {@code n} more units done. */
    void step(long n);

    /** Replaces the short status shown after the bar (e.g. {@code "loss 0.412"}). */
    void status(String text);

    @Override
    void close();

    /** A progress report that shows nothing (embedded use, tests). */
    static Progress none() {
        return new Progress() {
            @Override
            public void step(long n) {}

            @Override
            public void status(String text) {}

            @Override
            public void close() {}
        };
    }
}

package org.metaforge.sdk.run;

/** A run could not finish for a reason of its own, e.g. its loss diverged. */
public class RunFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a sentence naming what failed and what to try. */
    public RunFailedException(String message) {
        super(message);
    }

    /** Creates the exception with a cause. */
    public RunFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

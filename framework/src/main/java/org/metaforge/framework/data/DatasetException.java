package org.metaforge.framework.data;

/**
 * A dataset could not be found or read.
 *
 * <p>The message is one paragraph for the user: it names the file or the places searched, what is
 * wrong, and what to do about it.
 */
public class DatasetException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a complete, user-facing message. */
    public DatasetException(String message) {
        super(message);
    }

    /** Creates the exception with a complete, user-facing message and the underlying cause. */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}

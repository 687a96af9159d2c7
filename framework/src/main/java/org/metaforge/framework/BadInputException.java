package org.metaforge.framework;

/**
 * The user's input (spec, arguments, data files, plugin jars, store location) cannot be used.
 *
 * <p>The message is one paragraph naming the culprit and what would be accepted; front ends print
 * it without a stack trace and exit with code 2. Nothing has been written when it is thrown.
 */
public class BadInputException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a complete, user-facing message. */
    public BadInputException(String message) {
        super(message);
    }

    /** Creates the exception with a complete, user-facing message and its cause. */
    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

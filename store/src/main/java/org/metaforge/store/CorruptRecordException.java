package org.metaforge.store;

/**
 * A record in an otherwise readable store cannot be decoded.
 *
 * <p>The store never returns such a record as if it were valid. Writing the same key again (for a
 * result: running with {@code --no-cache}) replaces it.
 */
public final class CorruptRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}

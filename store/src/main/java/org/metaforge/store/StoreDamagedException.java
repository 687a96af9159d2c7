package org.metaforge.store;

/**
 * MapDB failed below the records while a write was committed: the store file is damaged where
 * reading records does not look (its free-space lists, say), or MapDB's I/O failed.
 *
 * <p>Nothing of the failed write is kept, in the file or in the journal; every record stored before
 * it is. The store is then closed as if its holder had been killed, so the next open checks the
 * whole file and, if it finds damage, moves it aside and rebuilds it from its journal.
 */
public final class StoreDamagedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StoreDamagedException(String message, Throwable cause) {
        super(message, cause);
    }
}

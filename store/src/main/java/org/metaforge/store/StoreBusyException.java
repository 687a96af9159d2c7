package org.metaforge.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Another process held the store for longer than the caller was willing to wait.
 *
 * <p>The message names the holder (pid, command, since when) as recorded in the store's {@code
 * .owner} file, and what to do next.
 */
public final class StoreBusyException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path store;
    private final long holderPid;

    StoreBusyException(String message, Path store, long holderPid) {
        super(message);
        this.store = store;
        this.holderPid = holderPid;
    }

    /** The store file that was busy. */
    public Path store() {
        return store;
    }

    /** The pid of the holding process, if it left an owner record. */
    public OptionalLong holderPid() {
        return holderPid < 0 ? OptionalLong.empty() : OptionalLong.of(holderPid);
    }
}

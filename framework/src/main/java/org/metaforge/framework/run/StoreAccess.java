package org.metaforge.framework.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.metaforge.framework.BadInputException;
import org.metaforge.store.ResultStore;
import org.metaforge.store.StoreBusyException;

/**
 * Opens the store on first use and closes it with the runtime.
 *
 * <p>Opening late means bad input (which is found before any run) never creates or touches the
 * store file.
 */
public final class StoreAccess implements AutoCloseable {

    private final RuntimeSettings settings;
    private final Consumer<String> notices;
    private ResultStore store;

    /**
     * Creates the access.
     *
     * @param notices receives one-off notices, such as a corrupt store moved aside
     */
    public StoreAccess(RuntimeSettings settings, Consumer<String> notices) {
        this.settings = settings;
        this.notices = notices;
    }

    /** The open store. */
    public synchronized ResultStore get() throws BadInputException {
        if (store == null) {
            Path file = settings.storePath();
            try {
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                store = ResultStore.open(file, settings.lockWait());
            } catch (StoreBusyException e) {
                throw new BadInputException(e.getMessage(), e);
            } catch (IOException e) {
                throw new BadInputException(
                        "Cannot use store "
                                + file
                                + " ("
                                + e.getMessage()
                                + "); pass --store with a writable file path.",
                        e);
            }
            Optional<String> notice = store.recoveryNotice();
            notice.ifPresent(notices);
        }
        return store;
    }

    /** Whether the store has been opened. */
    public synchronized boolean isOpen() {
        return store != null;
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}

package org.metaforge.framework.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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
    private final RunConsole console;
    private ResultStore store;

    /**
     * Creates the access; nothing is opened yet.
     *
     * @param console told when opening waits for another process
     */
    public StoreAccess(RuntimeSettings settings, RunConsole console) {
        this.settings = settings;
        this.console = console;
    }

    /**
     * The open store.
     *
     * @throws BadInputException if another process holds it, it cannot be created, or it was
     *     corrupt (it has then been moved aside, and a fresh one is used next time)
     */
    public synchronized ResultStore get() throws BadInputException {
        if (store == null) {
            Path file = settings.storePath();
            try {
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                store = ResultStore.open(file, settings.lockWait(), console::info);
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
            if (notice.isPresent()) {
                // The user learns that their cached results are gone before anything new is
                // written; the next invocation uses the fresh store.
                store.close();
                store = null;
                throw new BadInputException(
                        notice.get()
                                + " Nothing was run: run the command again to start with the"
                                + " fresh store.");
            }
        }
        return store;
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}

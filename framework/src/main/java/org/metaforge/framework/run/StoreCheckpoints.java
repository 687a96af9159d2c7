package org.metaforge.framework.run;

import java.util.Optional;
import org.metaforge.framework.BadInputException;
import org.metaforge.sdk.run.Checkpoints;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.store.CacheKey;

/** A run's checkpoints, kept in the store under the run's key. */
final class StoreCheckpoints implements Checkpoints {

    private final StoreAccess store;
    private final CacheKey key;

    StoreCheckpoints(StoreAccess store, CacheKey key) {
        this.store = store;
        this.key = key;
    }

    @Override
    public void save(String name, byte[] bytes) {
        try {
            store.get().putCheckpoint(key, name, bytes);
        } catch (BadInputException e) {
            throw new RunFailedException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> load(String name) {
        try {
            return store.get().getCheckpoint(key, name);
        } catch (BadInputException e) {
            throw new RunFailedException(e.getMessage(), e);
        }
    }
}

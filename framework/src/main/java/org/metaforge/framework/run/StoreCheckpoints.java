package org.metaforge.framework.run;

import java.util.Optional;
import org.metaforge.sdk.run.Checkpoints;
import org.metaforge.store.CacheKey;

/** A run's checkpoints, kept in the store under the run's key. */
final class StoreCheckpoints implements Checkpoints {

    private final TrialStore store;
    private final CacheKey key;

    StoreCheckpoints(TrialStore store, CacheKey key) {
        this.store = store;
        this.key = key;
    }

    @Override
    public void save(String name, byte[] bytes) {
        store.putCheckpoint(key, name, bytes);
    }

    @Override
    public Optional<byte[]> load(String name) {
        return store.checkpoint(key, name);
    }
}

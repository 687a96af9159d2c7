package org.metaforge.framework.run;

import java.util.Optional;
import org.metaforge.sdk.run.Artifacts;
import org.metaforge.store.CacheKey;

/** A run's binary artefacts, kept in the store under the run's key (and journaled with it). */
final class StoreArtifacts implements Artifacts {

    private final TrialStore store;
    private final CacheKey key;

    StoreArtifacts(TrialStore store, CacheKey key) {
        this.store = store;
        this.key = key;
    }

    @Override
    public void save(String name, byte[] bytes) {
        store.putArtifact(key, name, bytes);
    }

    @Override
    public Optional<byte[]> load(String runKey, String name) {
        return store.artifact(runKey, name);
    }
}

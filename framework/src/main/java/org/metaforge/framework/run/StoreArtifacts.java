package org.metaforge.framework.run;

import java.util.Optional;
import org.metaforge.framework.BadInputException;
import org.metaforge.sdk.run.Artifacts;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.store.CacheKey;

/** A run's binary artefacts, kept in the store under the run's key (and journaled with it). */
final class StoreArtifacts implements Artifacts {

    private final StoreAccess store;
    private final CacheKey key;

    StoreArtifacts(StoreAccess store, CacheKey key) {
        this.store = store;
        this.key = key;
    }

    @Override
    public void save(String name, byte[] bytes) {
        try {
            store.get().putArtifact(key, name, bytes);
        } catch (BadInputException e) {
            throw new RunFailedException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> load(String runKey, String name) {
        try {
            return store.get().getArtifact(runKey, name);
        } catch (BadInputException e) {
            throw new RunFailedException(e.getMessage(), e);
        }
    }
}

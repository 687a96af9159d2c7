package org.metaforge.framework.run;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.metaforge.framework.BadInputException;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.store.CacheKey;
import org.metaforge.store.Envelope;
import org.metaforge.store.ResultStore;

/** The {@link TrialStore} of the process that owns the store file, opened on first use. */
public final class LocalTrialStore implements TrialStore {

    private final StoreAccess access;

    /** Serves the store of {@code access}. */
    public LocalTrialStore(StoreAccess access) {
        this.access = access;
    }

    @Override
    public void open() throws BadInputException {
        access.get();
    }

    private ResultStore store() {
        try {
            return access.get();
        } catch (BadInputException e) {
            throw new RunFailedException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<Envelope> result(CacheKey key) {
        return store().getResult(key);
    }

    @Override
    public void putResult(CacheKey key, Envelope result, Map<String, String> summary) {
        store().putResult(key, result, summary);
    }

    @Override
    public Optional<byte[]> artifact(String keyHex, String name) {
        return store().getArtifact(keyHex, name);
    }

    @Override
    public List<String> artifactNames(String keyHex) {
        return store().artifactNames(keyHex);
    }

    @Override
    public void putArtifact(CacheKey key, String name, byte[] bytes) {
        store().putArtifact(key, name, bytes);
    }

    @Override
    public Optional<byte[]> checkpoint(CacheKey key, String name) {
        return store().getCheckpoint(key, name);
    }

    @Override
    public void putCheckpoint(CacheKey key, String name, byte[] bytes) {
        store().putCheckpoint(key, name, bytes);
    }

    @Override
    public void deleteCheckpoints(CacheKey key) {
        store().deleteCheckpoints(key);
    }
}

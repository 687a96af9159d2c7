package org.metaforge.sdk.run;

import java.util.Optional;

/**
 * Named checkpoints of the current run, kept in the store under the run's cache key.
 *
 * <p>A run that is killed and started again with the same key sees the checkpoints it saved;
 * checkpoints are deleted once the run's result is recorded. Each save is durable on return.
 */
public interface Checkpoints {

    /** Saves {@code bytes} under {@code name}, replacing an older checkpoint of that name. */
    void save(String name, byte[] bytes);

    /** The last checkpoint saved under {@code name}, if any. */
    Optional<byte[]> load(String name);
}

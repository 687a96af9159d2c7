package org.metaforge.framework.run;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.metaforge.sdk.run.Checkpoints;

/** Checkpoints that live only as long as one uncached call (e.g. a gradient check). */
final class MemoryCheckpoints implements Checkpoints {

    private final Map<String, byte[]> saved = new HashMap<>();

    @Override
    public void save(String name, byte[] bytes) {
        saved.put(name, bytes.clone());
    }

    @Override
    public Optional<byte[]> load(String name) {
        return Optional.ofNullable(saved.get(name)).map(byte[]::clone);
    }
}

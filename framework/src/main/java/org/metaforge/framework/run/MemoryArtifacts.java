package org.metaforge.framework.run;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.metaforge.sdk.run.Artifacts;

/** Artefacts of an uncached run (a gradient check, a benchmark): kept in memory, then dropped. */
final class MemoryArtifacts implements Artifacts {

    private final String key;
    private final Map<String, byte[]> saved = new HashMap<>();

    MemoryArtifacts(String key) {
        this.key = key;
    }

    @Override
    public void save(String name, byte[] bytes) {
        saved.put(name, bytes.clone());
    }

    @Override
    public Optional<byte[]> load(String runKey, String name) {
        return runKey.equals(key)
                ? Optional.ofNullable(saved.get(name)).map(byte[]::clone)
                : Optional.empty();
    }
}

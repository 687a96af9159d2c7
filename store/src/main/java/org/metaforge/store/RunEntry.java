package org.metaforge.store;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One stored result as {@code metaforge runs} lists it, without its payload.
 *
 * @param keyHex the result's {@link CacheKey#hex()}
 * @param keyJson the result's {@link CacheKey#canonicalJson()}
 * @param type the result envelope's type, e.g. {@link Envelope#RUN_RESULT}
 * @param createdAt when the result envelope was made
 * @param summary the small summary stored with the result (e.g. component, main metric), sorted by
 *     key, unmodifiable
 */
public record RunEntry(
        String keyHex,
        String keyJson,
        String type,
        Instant createdAt,
        Map<String, String> summary) {

    /** Checks for nulls and copies the summary. */
    public RunEntry {
        Objects.requireNonNull(keyHex, "keyHex");
        Objects.requireNonNull(keyJson, "keyJson");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        summary = Collections.unmodifiableMap(new TreeMap<>(summary));
    }
}

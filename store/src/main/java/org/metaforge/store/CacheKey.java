package org.metaforge.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The identity of a computation: equal keys mean the cached result may be returned as is.
 *
 * <p>A key is the SHA-256 of a canonical JSON document holding the component id and plugin version,
 * the validated configuration, the dataset fingerprints, the seed, the result-format version and an
 * open map of extras (thread count, dtype, anything else that changes the numbers). Canonical
 * means: map entries sorted by key at every depth, no whitespace, numbers written as Jackson writes
 * their Java type (so {@code 1} and {@code 1.0} are different keys: canonicalising values is the
 * caller's job). For example
 *
 * <pre>{@code
 * {"component":"demo/sgd","config":{"lr":0.1},"datasets":{"fashion-mnist":"ab12"},
 *  "extra":{},"pluginVersion":"1.0.0","resultFormat":1,"seed":7}
 * }</pre>
 *
 * (one line). Keys are immutable and thread-safe; equality is equality of {@link #hex()}.
 */
public final class CacheKey {

    /** The framework's result-format version; bump it when stored results change meaning. */
    public static final int RESULT_FORMAT = 1;

    private static final JsonMapper CANONICAL_JSON =
            JsonMapper.builder()
                    .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                    .build();

    private final String componentId;
    private final String pluginVersion;
    private final long seed;
    private final String canonicalJson;
    private final String hex;

    private CacheKey(String componentId, String pluginVersion, long seed, String canonicalJson) {
        this.componentId = componentId;
        this.pluginVersion = pluginVersion;
        this.seed = seed;
        this.canonicalJson = canonicalJson;
        this.hex = sha256Hex(canonicalJson);
    }

    /** Starts a key; {@link Builder#component} and {@link Builder#seed} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The key whose {@link #canonicalJson()} is {@code canonicalJson}, e.g. as a trial in another
     * process sent it; the hash is recomputed from the text, which is taken as it is.
     *
     * @throws IllegalArgumentException if the text is not a key's canonical JSON
     */
    public static CacheKey parse(String canonicalJson) {
        try {
            var root = CANONICAL_JSON.readTree(canonicalJson);
            String id = root.path("component").asText(null);
            String version = root.path("pluginVersion").asText(null);
            if (id == null || version == null || !root.path("seed").canConvertToLong()) {
                throw new IllegalArgumentException(
                        "Not the canonical JSON of a cache key (it needs component,"
                                + " pluginVersion and seed): "
                                + canonicalJson);
            }
            return new CacheKey(id, version, root.path("seed").asLong(), canonicalJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "Not the canonical JSON of a cache key: " + e.getOriginalMessage(), e);
        }
    }

    /** The lowercase hexadecimal SHA-256 of {@link #canonicalJson()}, 64 characters. */
    public String hex() {
        return hex;
    }

    /** The canonical JSON the key is the hash of, for provenance and debugging. */
    public String canonicalJson() {
        return canonicalJson;
    }

    /** The component id, e.g. {@code fds/forward-hpo}. */
    public String componentId() {
        return componentId;
    }

    /** The version of the plugin that contributed the component. */
    public String pluginVersion() {
        return pluginVersion;
    }

    /** The seed of the computation. */
    public long seed() {
        return seed;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CacheKey key && key.hex.equals(hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    @Override
    public String toString() {
        return "CacheKey["
                + componentId
                + "@"
                + pluginVersion
                + " seed="
                + seed
                + " "
                + hex.substring(0, 12)
                + "]";
    }

    static boolean isHex(String text) {
        if (text == null || text.length() != 64) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder(64);
            for (byte b : digest) {
                out.append(Character.forDigit((b >> 4) & 0xF, 16))
                        .append(Character.forDigit(b & 0xF, 16));
            }
            return out.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256, which Java requires", e);
        }
    }

    /**
     * Collects the parts of a {@link CacheKey}; not thread-safe.
     *
     * <p>Values in {@link #config} and {@link #extra} may be null, strings, booleans, numbers,
     * enums (stored by name), lists and string-keyed maps of these; anything else fails in the call
     * that adds it, naming where it sits.
     */
    public static final class Builder {
        private String componentId;
        private String pluginVersion;
        private Long seed;
        private int resultFormat = RESULT_FORMAT;
        private Map<String, Object> config = Map.of();
        private final Map<String, String> datasets = new TreeMap<>();
        private final Map<String, Object> extra = new TreeMap<>();

        private Builder() {}

        /** Sets the component id (e.g. {@code fds/forward-hpo}) and its plugin's version. */
        public Builder component(String id, String version) {
            this.componentId = requireText(id, "component id");
            this.pluginVersion = requireText(version, "plugin version of " + id);
            return this;
        }

        /** Sets the validated configuration, replacing an earlier one; empty by default. */
        public Builder config(Map<String, ?> config) {
            Objects.requireNonNull(config, "config");
            this.config = CanonicalValues.copyMap(config, "config");
            return this;
        }

        /** Adds the fingerprint of a dataset the computation reads. */
        public Builder dataset(String name, String fingerprint) {
            datasets.put(
                    requireText(name, "dataset name"),
                    requireText(fingerprint, "fingerprint of dataset " + name));
            return this;
        }

        /** Sets the seed of the computation. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Adds anything else that changes the result, e.g. {@code threads} or {@code dtype}. */
        public Builder extra(String key, Object value) {
            requireText(key, "extra key");
            extra.put(key, CanonicalValues.copy(value, "extra." + key));
            return this;
        }

        /** Overrides the result-format version; defaults to {@link CacheKey#RESULT_FORMAT}. */
        public Builder resultFormat(int version) {
            if (version < 1) {
                throw new IllegalArgumentException(
                        "Result-format version must be at least 1, got " + version);
            }
            this.resultFormat = version;
            return this;
        }

        /**
         * Builds the key.
         *
         * @throws IllegalStateException if the component or the seed was not set
         */
        public CacheKey build() {
            if (componentId == null) {
                throw new IllegalStateException(
                        "A cache key needs a component: call component(id, version).");
            }
            if (seed == null) {
                throw new IllegalStateException(
                        "Cache key for " + componentId + " needs a seed: call seed(long).");
            }
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("component", componentId);
            root.put("config", config);
            root.put("datasets", Collections.unmodifiableMap(new TreeMap<>(datasets)));
            root.put("extra", Collections.unmodifiableMap(new TreeMap<>(extra)));
            root.put("pluginVersion", pluginVersion);
            root.put("resultFormat", resultFormat);
            root.put("seed", seed);
            String json;
            try {
                json = CANONICAL_JSON.writeValueAsString(root);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(
                        "Cannot write the canonical JSON of cache key for " + componentId, e);
            }
            return new CacheKey(componentId, pluginVersion, seed, json);
        }

        private static String requireText(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(
                        "A cache key needs a non-blank " + what + ", got " + value);
            }
            return value;
        }
    }
}

package org.metaforge.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Deep, immutable copies of JSON-like values with a canonical map order, for cache keys. */
final class CanonicalValues {

    private CanonicalValues() {}

    /**
     * Copies {@code value}, sorting every map by key.
     *
     * @param path where the value sits, e.g. {@code config.schedule}, for error messages
     * @throws IllegalArgumentException if the value, or anything inside it, has no canonical JSON
     *     form (sets, arrays, beans, maps with non-string keys)
     */
    static Object copy(Object value, String path) {
        if (value == null
                || value instanceof String
                || value instanceof Boolean
                || value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof Double
                || value instanceof Float
                || value instanceof BigInteger
                || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof Map<?, ?> map) {
            return copyMap(map, path);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(copy(list.get(i), path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof Collection<?>) {
            throw new IllegalArgumentException(
                    "Value at '"
                            + path
                            + "' is a "
                            + value.getClass().getSimpleName()
                            + ", which has no canonical order; pass a sorted List instead.");
        }
        throw new IllegalArgumentException(
                "Value at '"
                        + path
                        + "' has type "
                        + value.getClass().getName()
                        + "; a cache key accepts only null, strings, booleans, numbers, enums,"
                        + " lists and string-keyed maps of these.");
    }

    /** Copies a string-keyed map into a sorted, unmodifiable map of canonical values. */
    static Map<String, Object> copyMap(Map<?, ?> map, String path) {
        TreeMap<String, Object> copy = new TreeMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new IllegalArgumentException(
                        "Map at '"
                                + path
                                + "' has a key of type "
                                + (entry.getKey() == null
                                        ? "null"
                                        : entry.getKey().getClass().getName())
                                + "; cache-key maps need string keys.");
            }
            copy.put(key, copy(entry.getValue(), path.isEmpty() ? key : path + "." + key));
        }
        return Collections.unmodifiableMap(copy);
    }
}

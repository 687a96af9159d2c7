package org.metaforge.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mapdb.BTreeMap;

/**
 * One named map of a store file: string keys to {@link Envelope}s, each stored bound to its map and
 * key ({@link KeyBinding}) and checked against both, and against the types the map holds, when
 * read.
 *
 * <p>Not thread-safe; {@link ResultStore} serialises access.
 */
final class EnvelopeMap {

    private final String name;
    private final BTreeMap<String, byte[]> map;
    private final Set<String> types;
    private final boolean onlyThoseTypes;

    private EnvelopeMap(
            String name, BTreeMap<String, byte[]> map, Set<String> types, boolean onlyThoseTypes) {
        this.name = name;
        this.map = map;
        this.types = types;
        this.onlyThoseTypes = onlyThoseTypes;
    }

    /** A map whose envelopes all have type {@code type}. */
    static EnvelopeMap ofType(String name, BTreeMap<String, byte[]> map, String type) {
        return new EnvelopeMap(name, map, Set.of(type), true);
    }

    /** A map whose envelopes may have any type except those in {@code excluded}. */
    static EnvelopeMap ofAnyTypeBut(
            String name, BTreeMap<String, byte[]> map, Set<String> excluded) {
        return new EnvelopeMap(name, map, Set.copyOf(excluded), false);
    }

    /** The map's name in the store file. */
    String name() {
        return name;
    }

    /**
     * The envelope stored under {@code key}, or null if there is none.
     *
     * @throws IllegalArgumentException if the stored value is damaged, belongs to another key or
     *     map, or has a type this map does not hold
     */
    Envelope get(String key) {
        byte[] stored = map.get(key);
        return stored == null ? null : read(key, stored);
    }

    /** The envelope in {@code stored}, the value found under {@code key}; see {@link #get}. */
    Envelope read(String key, byte[] stored) {
        Envelope envelope = Envelope.decode(KeyBinding.unbind(name, key, stored));
        if (!holds(envelope.type())) {
            throw new IllegalArgumentException(
                    "It holds an envelope of type '"
                            + envelope.type()
                            + "', which does not belong in map "
                            + name
                            + ".");
        }
        return envelope;
    }

    /**
     * The encoded envelope stored under {@code key} as it was written, without decoding it, or null
     * if there is none.
     *
     * @throws IllegalArgumentException if the value belongs to another key or map
     */
    byte[] getEncoded(String key) {
        byte[] stored = map.get(key);
        return stored == null ? null : KeyBinding.unbind(name, key, stored);
    }

    /** Stores {@code envelope} (encoded) under {@code key}, replacing any value there. */
    void put(String key, byte[] envelope) {
        map.put(key, KeyBinding.bind(name, key, envelope));
    }

    void remove(String key) {
        map.remove(key);
    }

    /** Every key, sorted. */
    List<String> keys() {
        return new ArrayList<>(map.keySet());
    }

    /** The keys {@code <keyHex>/...}, sorted. */
    List<String> keysUnder(String keyHex) {
        // '0' is the character after '/'.
        return new ArrayList<>(map.subMap(keyHex + "/", true, keyHex + "0", false).keySet());
    }

    /** The stored bytes under {@code key} as MapDB holds them, or null; for checks and upgrades. */
    byte[] stored(String key) {
        return map.get(key);
    }

    /** Replaces the stored bytes under {@code key} as they are; for upgrades. */
    void putStored(String key, byte[] stored) {
        map.put(key, stored);
    }

    /** Whether an envelope of {@code type} belongs in this map. */
    boolean holds(String type) {
        return types.contains(type) == onlyThoseTypes;
    }
}

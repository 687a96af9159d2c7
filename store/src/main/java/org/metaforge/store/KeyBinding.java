package org.metaforge.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The byte layout of a value in a store map: an encoded {@link Envelope} bound to the map and key
 * it was written under.
 *
 * <p>An envelope's own checksum only says that its bytes are whole, not where they belong: a value
 * that ends up under another key or in another map (as a damaged replay of MapDB's write-ahead log
 * can leave it) would pass it. The binding names the map and key, under one CRC-32 with the
 * envelope, so such a value is refused when read. Layout version 1, big-endian:
 *
 * <pre>
 * 4 bytes  magic "MFKB"
 * 1 byte   binding version (1)
 * int32    length of the map name in UTF-8 bytes, then those bytes
 * int32    length of the key in UTF-8 bytes, then those bytes
 * n bytes  the encoded envelope, up to the checksum
 * int32    CRC-32 of every byte before it
 * </pre>
 */
final class KeyBinding {

    static final int VERSION = 1;

    private static final byte[] MAGIC = {'M', 'F', 'K', 'B'};

    /** Magic, version, two lengths and the checksum: the bytes any binding has. */
    private static final int MIN_LENGTH = MAGIC.length + 1 + 4 + 4 + 4;

    private KeyBinding() {}

    /** Binds {@code envelope} (encoded) to {@code key} in the map {@code map}. */
    static byte[] bind(String map, String key, byte[] envelope) {
        byte[] name = map.getBytes(StandardCharsets.UTF_8);
        byte[] id = key.getBytes(StandardCharsets.UTF_8);
        long size = (long) MIN_LENGTH + name.length + id.length + envelope.length;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "Value of " + envelope.length + " bytes is too large to store");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        out.put(MAGIC).put((byte) VERSION);
        out.putInt(name.length).put(name);
        out.putInt(id.length).put(id);
        out.put(envelope);
        out.putInt((int) crc(out.array(), out.position()));
        return out.array();
    }

    /** Whether {@code stored} starts like a binding (rather than like a bare envelope). */
    static boolean isBinding(byte[] stored) {
        return stored != null
                && stored.length >= MAGIC.length
                && Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * The encoded envelope in {@code stored}, checked to be bound to {@code key} in {@code map}.
     *
     * @throws IllegalArgumentException if the bytes are not a binding, are damaged (checksum), or
     *     are bound to another map or key; the message is a sentence for an error report
     */
    static byte[] unbind(String map, String key, byte[] stored) {
        if (!isBinding(stored)) {
            throw new IllegalArgumentException(
                    "It is not bound to its key: the bytes do not start with the magic \"MFKB\""
                            + " (an envelope stored before key bindings, or other bytes).");
        }
        if (stored.length < MIN_LENGTH) {
            throw new IllegalArgumentException(
                    "Its key binding is truncated: " + stored.length + " bytes.");
        }
        int version = Byte.toUnsignedInt(stored[MAGIC.length]);
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "Its key binding has version "
                            + version
                            + ", not the one this Metaforge reads ("
                            + VERSION
                            + ").");
        }
        ByteBuffer in = ByteBuffer.wrap(stored);
        long expected = Integer.toUnsignedLong(in.getInt(stored.length - 4));
        long computed = crc(stored, stored.length - 4);
        if (expected != computed) {
            throw new IllegalArgumentException(
                    "Its key binding is damaged: its CRC-32 checksum is "
                            + Long.toHexString(expected)
                            + " but its bytes give "
                            + Long.toHexString(computed)
                            + ".");
        }
        in.limit(stored.length - 4);
        in.position(MAGIC.length + 1);
        String boundMap;
        String boundKey;
        try {
            boundMap = text(in);
            boundKey = text(in);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("Its key binding is truncated.", e);
        }
        if (!boundMap.equals(map) || !boundKey.equals(key)) {
            throw new IllegalArgumentException(
                    "It is the value of "
                            + boundMap
                            + " entry "
                            + boundKey
                            + ", not of "
                            + map
                            + " entry "
                            + key
                            + " (a value stored under another key or in another map, as a damaged"
                            + " replay of MapDB's write-ahead log after a kill can leave it).");
        }
        return Arrays.copyOfRange(stored, in.position(), in.limit());
    }

    private static String text(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException(
                    "Its key binding is damaged: a name claims "
                            + length
                            + " bytes but "
                            + in.remaining()
                            + " remain.");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}

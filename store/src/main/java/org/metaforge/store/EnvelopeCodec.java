package org.metaforge.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.zip.CRC32;

/** The byte layout of {@link Envelope}; see {@link Envelope#encode()} for the format. */
final class EnvelopeCodec {

    static final int LAYOUT_VERSION = 1;

    private static final byte[] MAGIC = {'M', 'F', 'E', 'V'};
    private static final int MAX_TEXT_BYTES = 1024;

    /** Magic, layout version, and the checksum: the bytes any envelope has. */
    private static final int MIN_LENGTH = MAGIC.length + 1 + 4;

    private EnvelopeCodec() {}

    static byte[] encode(Envelope envelope, byte[] payload) {
        byte[] type = envelope.type().getBytes(StandardCharsets.UTF_8);
        byte[] encoding = envelope.payloadEncoding().getBytes(StandardCharsets.UTF_8);
        if (type.length > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException(
                    "Envelope type is " + type.length + " bytes; at most " + MAX_TEXT_BYTES);
        }
        long size =
                MAGIC.length
                        + 1L
                        + 4
                        + 4
                        + type.length
                        + 8
                        + 4
                        + 4
                        + encoding.length
                        + 4
                        + payload.length
                        + 4;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "Envelope payload of " + payload.length + " bytes is too large to store");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        out.put(MAGIC);
        out.put((byte) LAYOUT_VERSION);
        out.putInt(envelope.formatVersion());
        out.putInt(type.length).put(type);
        out.putLong(envelope.createdAt().getEpochSecond());
        out.putInt(envelope.createdAt().getNano());
        out.putInt(encoding.length).put(encoding);
        out.putInt(payload.length).put(payload);
        out.putInt((int) crc(out.array(), out.position()));
        return out.array();
    }

    static Envelope decode(byte[] bytes) {
        if (bytes == null || bytes.length < MIN_LENGTH) {
            throw new IllegalArgumentException(
                    "Not an envelope: "
                            + (bytes == null ? "null" : bytes.length + " bytes")
                            + " is shorter than any envelope.");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new IllegalArgumentException(
                        "Not an envelope: the bytes do not start with the magic \"MFEV\".");
            }
        }
        int layout = Byte.toUnsignedInt(bytes[MAGIC.length]);
        if (layout != LAYOUT_VERSION) {
            throw new IllegalArgumentException(
                    "Envelope layout version "
                            + layout
                            + " is not the one this Metaforge reads ("
                            + LAYOUT_VERSION
                            + "); it was written by "
                            + (layout > LAYOUT_VERSION ? "a newer" : "an unknown")
                            + " version.");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long stored = Integer.toUnsignedLong(in.getInt(bytes.length - 4));
        long computed = crc(bytes, bytes.length - 4);
        if (stored != computed) {
            throw new IllegalArgumentException(
                    "Envelope is damaged: its CRC-32 checksum is "
                            + Long.toHexString(stored)
                            + " but its bytes give "
                            + Long.toHexString(computed)
                            + ".");
        }
        in.limit(bytes.length - 4);
        in.position(MAGIC.length + 1);
        try {
            int formatVersion = in.getInt();
            String type = text(in, "type");
            Instant createdAt = Instant.ofEpochSecond(in.getLong(), in.getInt());
            String encoding = text(in, "payload encoding");
            byte[] payload = new byte[length(in, "payload", Integer.MAX_VALUE)];
            in.get(payload);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(
                        "Envelope has " + in.remaining() + " unexpected bytes after its payload.");
            }
            return new Envelope(formatVersion, type, createdAt, payload, encoding);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("Envelope is truncated.", e);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("Envelope has an impossible creation time.", e);
        }
    }

    private static String text(ByteBuffer in, String what) {
        byte[] bytes = new byte[length(in, what, MAX_TEXT_BYTES)];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int length(ByteBuffer in, String what, int max) {
        int length = in.getInt();
        if (length < 0 || length > max || length > in.remaining()) {
            throw new IllegalArgumentException(
                    "Envelope is damaged: its "
                            + what
                            + " claims "
                            + length
                            + " bytes but "
                            + in.remaining()
                            + " remain.");
        }
        return length;
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}

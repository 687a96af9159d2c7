package org.metaforge.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * A versioned value in the store: what it is, when it was made, and its payload bytes.
 *
 * <p>The payload is opaque to the store: UTF-8 JSON ({@link #JSON}) or raw bytes such as tensor
 * data ({@link #RAW}). {@code formatVersion} is the version of the payload's own format, chosen by
 * the writer (for results, {@link CacheKey#RESULT_FORMAT}); the byte layout of the envelope itself
 * is versioned separately ({@link #LAYOUT_VERSION}) and documented on {@link #encode()}.
 *
 * <p>Envelopes are immutable: the payload is copied in and out. Equality compares payload contents.
 *
 * @param formatVersion version of the payload format, at least 1
 * @param type what the payload is, e.g. {@link #RUN_RESULT}; non-blank
 * @param createdAt when the value was made
 * @param payload the payload bytes
 * @param payloadEncoding {@link #JSON} or {@link #RAW}
 */
public record Envelope(
        int formatVersion, String type, Instant createdAt, byte[] payload, String payloadEncoding) {

    /** Payload encoding for UTF-8 JSON. */
    public static final String JSON = "json";

    /** Payload encoding for opaque bytes. */
    public static final String RAW = "raw";

    /** Type of the result of a whole run. */
    public static final String RUN_RESULT = "run-result";

    /** Type of the result of one trial of a search. */
    public static final String TRIAL_RESULT = "trial-result";

    /** Type of a checkpoint of an unfinished run. */
    public static final String CHECKPOINT = "checkpoint";

    /** Type of a learned artefact, e.g. model weights or a schedule. */
    public static final String ARTIFACT = "artifact";

    /** Version of the byte layout written by {@link #encode()}. */
    public static final int LAYOUT_VERSION = EnvelopeCodec.LAYOUT_VERSION;

    private static final Set<String> ENCODINGS = Set.of(JSON, RAW);

    /** Validates the fields and copies the payload. */
    public Envelope {
        if (formatVersion < 1) {
            throw new IllegalArgumentException(
                    "Envelope format version must be at least 1, got " + formatVersion);
        }
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("Envelope type must be non-blank, got " + type);
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(payload, "payload");
        if (!ENCODINGS.contains(payloadEncoding)) {
            throw new IllegalArgumentException(
                    "Envelope payload encoding must be one of "
                            + ENCODINGS
                            + ", got "
                            + payloadEncoding);
        }
        payload = payload.clone();
    }

    /** An envelope of UTF-8 JSON made now. */
    public static Envelope json(String type, int formatVersion, byte[] utf8Json) {
        return new Envelope(formatVersion, type, Instant.now(), utf8Json, JSON);
    }

    /** An envelope of raw bytes made now. */
    public static Envelope raw(String type, int formatVersion, byte[] bytes) {
        return new Envelope(formatVersion, type, Instant.now(), bytes, RAW);
    }

    /** A copy of the payload bytes. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload's length in bytes, without copying it. */
    public int payloadSize() {
        return payload.length;
    }

    /**
     * Writes the envelope in layout version 1, big-endian.
     *
     * <pre>
     * 4 bytes  magic "MFEV"
     * 1 byte   layout version (1)
     * int32    formatVersion
     * int32    length of type in UTF-8 bytes, then those bytes
     * int64    createdAt, seconds since the epoch
     * int32    createdAt, nanoseconds within the second
     * int32    length of payloadEncoding in UTF-8 bytes, then those bytes
     * int32    length of payload, then the payload
     * int32    CRC-32 of every byte before it
     * </pre>
     */
    public byte[] encode() {
        return EnvelopeCodec.encode(this, payload);
    }

    /**
     * Reads an envelope written by {@link #encode()}.
     *
     * @throws IllegalArgumentException if the bytes are not an envelope, are damaged (checksum), or
     *     were written in a newer layout
     */
    public static Envelope decode(byte[] bytes) {
        return EnvelopeCodec.decode(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Envelope e
                && e.formatVersion == formatVersion
                && e.type.equals(type)
                && e.createdAt.equals(createdAt)
                && Arrays.equals(e.payload, payload)
                && e.payloadEncoding.equals(payloadEncoding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(formatVersion, type, createdAt, payloadEncoding)
                + 31 * Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Envelope["
                + type
                + " v"
                + formatVersion
                + " "
                + payloadEncoding
                + " "
                + payload.length
                + " bytes, created "
                + createdAt
                + "]";
    }
}

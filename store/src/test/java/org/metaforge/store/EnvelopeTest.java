package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static byte[] golden() throws IOException {
        try (InputStream in =
                EnvelopeTest.class.getResourceAsStream(GoldenFixtures.ENVELOPE_V1_RESOURCE)) {
            assertNotNull(in, "missing fixture " + GoldenFixtures.ENVELOPE_V1_RESOURCE);
            return in.readAllBytes();
        }
    }

    @Test
    void decodesGoldenLayoutV1Fixture() throws IOException {
        Envelope decoded = Envelope.decode(golden());

        assertEquals(3, decoded.formatVersion());
        assertEquals("run-result", decoded.type());
        assertEquals(Instant.parse("2026-01-02T03:04:05.123456789Z"), decoded.createdAt());
        assertEquals("json", decoded.payloadEncoding());
        assertEquals(
                "{\"accuracy\":0.5,\"label\":\"é\"}",
                new String(decoded.payload(), StandardCharsets.UTF_8));
    }

    @Test
    void encodesGoldenEnvelopeToExactlyTheFixtureBytes() throws IOException {
        assertArrayEquals(golden(), GoldenFixtures.ENVELOPE_V1.encode());
    }

    @Test
    void startsWithMagicAndLayoutVersion() throws IOException {
        byte[] bytes = golden();

        assertEquals("MFEV", new String(bytes, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[4]);
    }

    @Test
    void roundTripsRawPayload() {
        byte[] payload = new byte[1000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        Envelope envelope = Envelope.raw(Envelope.ARTIFACT, 2, payload);

        Envelope decoded = Envelope.decode(envelope.encode());

        assertEquals(envelope, decoded);
        assertArrayEquals(payload, decoded.payload());
    }

    @Test
    void rejectsEveryFlippedByte() throws IOException {
        byte[] good = golden();
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            int at = i;
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Envelope.decode(bad),
                    () -> "flipping byte " + at + " went unnoticed");
        }
    }

    @Test
    void reportsDamageAsChecksumMismatch() throws IOException {
        byte[] bad = golden();
        bad[bad.length - 10] ^= 1;

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Envelope.decode(bad));

        assertTrue(e.getMessage().contains("CRC-32"), e.getMessage());
    }

    @Test
    void rejectsTruncatedBytes() throws IOException {
        byte[] good = golden();
        for (int length = 0; length < good.length; length++) {
            byte[] cut = Arrays.copyOf(good, length);
            assertThrows(IllegalArgumentException.class, () -> Envelope.decode(cut));
        }
    }

    @Test
    void refusesNewerLayoutSayingSo() throws IOException {
        byte[] newer = golden();
        newer[4] = 2;

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Envelope.decode(newer));

        assertTrue(e.getMessage().contains("layout version 2"), e.getMessage());
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void copiesPayloadInAndOut() {
        byte[] payload = {1, 2, 3};
        Envelope envelope = Envelope.raw(Envelope.CHECKPOINT, 1, payload);
        payload[0] = 9;
        envelope.payload()[1] = 9;

        assertArrayEquals(new byte[] {1, 2, 3}, envelope.payload());
    }

    @Test
    void rejectsUnknownPayloadEncoding() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new Envelope(1, "artifact", Instant.EPOCH, new byte[0], "npy"));

        assertTrue(e.getMessage().contains("npy"), e.getMessage());
    }
}

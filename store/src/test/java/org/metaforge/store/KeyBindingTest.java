package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyBindingTest {

    private static final String KEY = "a".repeat(64);
    private static final String OTHER_KEY = "b".repeat(64);

    private static byte[] envelope() {
        return GoldenFixtures.ENVELOPE_V1.encode();
    }

    @Test
    void returnsTheEnvelopeBoundToTheSameMapAndKey() {
        byte[] bound = KeyBinding.bind(StoreLayout.RESULTS, KEY, envelope());

        assertTrue(KeyBinding.isBinding(bound));
        assertEquals("MFKB", new String(bound, 0, 4, StandardCharsets.US_ASCII));
        assertArrayEquals(envelope(), KeyBinding.unbind(StoreLayout.RESULTS, KEY, bound));
    }

    @Test
    void refusesTheValueOfAnotherKey() {
        byte[] bound = KeyBinding.bind(StoreLayout.RESULTS, OTHER_KEY, envelope());

        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> KeyBinding.unbind(StoreLayout.RESULTS, KEY, bound));

        assertTrue(
                e.getMessage()
                        .contains(
                                "the value of results entry "
                                        + OTHER_KEY
                                        + ", not of results entry "
                                        + KEY),
                e.getMessage());
    }

    @Test
    void refusesTheValueOfTheSameKeyInAnotherMap() {
        byte[] bound = KeyBinding.bind(StoreLayout.INDEX, KEY, envelope());

        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> KeyBinding.unbind(StoreLayout.RESULTS, KEY, bound));

        assertTrue(e.getMessage().contains("the value of result-index entry"), e.getMessage());
    }

    @Test
    void refusesABareEnvelope() {
        assertFalse(KeyBinding.isBinding(envelope()));

        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> KeyBinding.unbind(StoreLayout.RESULTS, KEY, envelope()));

        assertTrue(e.getMessage().contains("not bound to its key"), e.getMessage());
    }

    @Test
    void refusesEveryFlippedByte() {
        byte[] good = KeyBinding.bind(StoreLayout.RESULTS, KEY, envelope());
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            int at = i;
            assertThrows(
                    IllegalArgumentException.class,
                    () -> KeyBinding.unbind(StoreLayout.RESULTS, KEY, bad),
                    () -> "flipping byte " + at + " went unnoticed");
        }
    }

    @Test
    void refusesTruncatedBytes() {
        byte[] good = KeyBinding.bind(StoreLayout.RESULTS, KEY, envelope());
        for (int length = 0; length < good.length; length++) {
            byte[] cut = Arrays.copyOf(good, length);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> KeyBinding.unbind(StoreLayout.RESULTS, KEY, cut));
        }
    }
}

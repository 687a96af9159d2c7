package org.metaforge.sdk.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LabeledImagesTest {

    private static LabeledImages sample(int n, int classes) {
        float[] px = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            px[i * 4] = i;
        }
        Shape s = new Shape(1, 2, 2);
        return new LabeledImages(
                "s", px, labels, s, classes, LabeledImages.fingerprintOf(px, labels, s));
    }

    @Test
    void splitIsStratifiedDisjointReproducibleAndFingerprinted() {
        LabeledImages all = sample(100, 4);
        LabeledImages.Split a = all.split(0.2, 7);
        assertEquals(80, a.train().size());
        assertEquals(20, a.validation().size());
        int[] perClass = new int[4];
        for (int i = 0; i < a.validation().size(); i++) {
            perClass[a.validation().label(i)]++;
        }
        assertEquals(5, perClass[0]);
        assertEquals(5, perClass[3]);
        LabeledImages.Split b = all.split(0.2, 7);
        assertEquals(a.validation().fingerprint(), b.validation().fingerprint());
        assertNotEquals(a.validation().fingerprint(), all.split(0.2, 8).validation().fingerprint());
        assertNotEquals(a.train().fingerprint(), a.validation().fingerprint());
    }

    @Test
    void rejectsLabelsOutOfRangeAndMismatchedSizes() {
        Shape s = new Shape(1, 1, 1);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new LabeledImages("x", new float[2], new int[] {0, 3}, s, 3, "f"));
        assertEquals("x: label 3 outside [0, 3)", e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new LabeledImages("x", new float[3], new int[] {0, 1}, s, 3, "f"));
    }
}

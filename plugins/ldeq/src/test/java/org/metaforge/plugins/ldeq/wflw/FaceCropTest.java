package org.metaforge.plugins.ldeq.wflw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FaceCropTest {

    @Test
    void mapsLandmarksAsComputedByHand() {
        // box [10, 30] x [20, 30]: centre (20, 25), longer side 20, crop side 1.2 * 20 = 24,
        // left 20 - 12 = 8, top 25 - 12 = 13; output 48 px, so 2 output px per image px
        double[] lm = {10, 20, 30, 30, 20, 25};
        FaceCrop crop = FaceCrop.around(lm, 1.2, 48);
        assertEquals(8, crop.left(), 1e-12);
        assertEquals(13, crop.top(), 1e-12);
        assertEquals(24, crop.side(), 1e-12);
        double[] mapped = crop.toCrop(lm);
        assertArrayEquals(new double[] {4, 14, 44, 34, 24, 24}, mapped, 1e-12);
        assertArrayEquals(lm, crop.toImage(mapped), 1e-12);
    }

    @Test
    void resamplesTheImageWhereTheLandmarksGo() {
        // a ramp whose pixel (i, j) holds i / 100: bilinear sampling reproduces x exactly
        int w = 40;
        int h = 40;
        float[] px = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = x / 100f;
            }
        }
        FaceCrop crop = new FaceCrop(8, 13, 24, 48);
        Image out = crop.apply(new Image(w, h, 1, px));
        assertEquals(48, out.width());
        // output pixel u has centre u + 0.5, image x = 8 + (u + 0.5) / 2, index x - 0.5
        for (int u = 0; u < 48; u++) {
            double expected = (8 + (u + 0.5) / 2 - 0.5) / 100;
            assertEquals(expected, out.pixel(0, u, 20), 1e-6, "column " + u);
        }
        // outside the source reads as black padding
        Image outside = new FaceCrop(-30, -30, 10, 4).apply(new Image(w, h, 1, px));
        assertEquals(0, outside.pixel(0, 0, 0));
    }
}

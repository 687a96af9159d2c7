package org.metaforge.plugins.ldeq.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;

class FaceGeneratorTest {

    private static final FaceGenerator GENERATOR =
            new FaceGenerator(FaceGeneratorConfig.defaults());

    /** A frontal face: no roll, no yaw, centred, eyes looking straight ahead. */
    private static FaceImage frontal(long seed) {
        FaceShape shape = GENERATOR.randomShape(new SplittableRandom(seed));
        FacePose pose = new FacePose(32, 32, 16, 0, 0, 0.3, 0.2, 0.1, 0, 0);
        return FaceRenderer.render(shape, pose, Degradation.none(), 64, 64, 1);
    }

    private static double x(double[] lm, int i) {
        return lm[2 * i];
    }

    private static double y(double[] lm, int i) {
        return lm[2 * i + 1];
    }

    @Test
    void sameSeedGivesTheSameFace() {
        FaceImage a = GENERATOR.generate(42);
        FaceImage b = GENERATOR.generate(42);
        assertArrayEquals(a.pixels(), b.pixels());
        assertArrayEquals(a.landmarks(), b.landmarks());
        assertEquals(
                GENERATOR.generate(7, 3).get(2).pose(), GENERATOR.generate(7, 3).get(2).pose());
    }

    @Test
    void differentSeedsGiveDifferentFaces() {
        List<FaceImage> faces = GENERATOR.generate(1, 20);
        Set<Integer> landmarkHashes = new HashSet<>();
        Set<Integer> pixelHashes = new HashSet<>();
        for (FaceImage f : faces) {
            landmarkHashes.add(Arrays.hashCode(f.landmarks()));
            pixelHashes.add(Arrays.hashCode(f.pixels()));
        }
        assertEquals(20, landmarkHashes.size());
        assertEquals(20, pixelHashes.size());
        // variety, not just difference: the eye distance spreads over a wide range
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (FaceImage f : faces) {
            double[] lm = f.landmarks();
            double d = Math.hypot(x(lm, 60) - x(lm, 72), y(lm, 60) - y(lm, 72));
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(max / min > 1.2, "eye distances range only from " + min + " to " + max);
    }

    @Test
    void frontalFaceFollowsTheWflwOrder() {
        for (long seed = 0; seed < 20; seed++) {
            double[] lm = frontal(seed).landmarks();
            assertEquals(196, lm.length);
            // contour runs from the left temple over the chin to the right temple
            for (int i = 1; i <= 32; i++) {
                assertTrue(x(lm, i) > x(lm, i - 1), "contour x not increasing at " + i);
            }
            for (int i = 0; i <= 32; i++) {
                assertTrue(y(lm, 16) >= y(lm, i), "chin 16 is not the lowest contour point");
            }
            // eye corners: 60 outer left, 64 inner left, 68 inner right, 72 outer right
            assertTrue(x(lm, 60) < x(lm, 64) && x(lm, 64) < x(lm, 68) && x(lm, 68) < x(lm, 72));
            // upper lids above lower lids
            assertTrue(y(lm, 62) < y(lm, 66) && y(lm, 70) < y(lm, 74));
            // pupils inside their eyes
            assertTrue(x(lm, 96) > x(lm, 60) && x(lm, 96) < x(lm, 64));
            assertTrue(y(lm, 96) >= y(lm, 62) && y(lm, 96) <= y(lm, 66));
            assertTrue(x(lm, 97) > x(lm, 68) && x(lm, 97) < x(lm, 72));
            assertTrue(y(lm, 97) >= y(lm, 70) && y(lm, 97) <= y(lm, 74));
            // brows above the eyes, nose between eyes and mouth, mouth corners left to right
            for (int i = 33; i <= 50; i++) {
                assertTrue(y(lm, i) < y(lm, 62), "brow point " + i + " is not above the eyes");
            }
            assertTrue(y(lm, 51) < y(lm, 54) && y(lm, 54) < y(lm, 79));
            assertTrue(x(lm, 55) < x(lm, 57) && x(lm, 57) < x(lm, 59));
            assertTrue(x(lm, 76) < x(lm, 79) && x(lm, 79) < x(lm, 82));
            assertTrue(y(lm, 79) < y(lm, 90) && y(lm, 90) <= y(lm, 94) && y(lm, 94) < y(lm, 85));
        }
    }

    @Test
    void frontalFaceIsSymmetricUnderTheWflwMirrorPermutation() {
        double[] lm = frontal(3).landmarks();
        for (int i = 0; i < 98; i++) {
            int m = WflwLayout.mirror(i);
            assertEquals(64 - x(lm, i), x(lm, m), 1e-9, "x of " + i + " mirrored to " + m);
            assertEquals(y(lm, i), y(lm, m), 1e-9, "y of " + i + " mirrored to " + m);
        }
    }

    @Test
    void landmarksStayInsideTheImageForDefaults() {
        for (FaceImage f : GENERATOR.generate(11, 400)) {
            double[] lm = f.landmarks();
            for (int i = 0; i < lm.length; i++) {
                assertTrue(lm[i] >= 0 && lm[i] < 64, "coordinate " + i + " is " + lm[i]);
            }
        }
    }

    @Test
    void occludersChangeThePixelsOverTheLandmarksTheyHide() {
        int hidden = 0;
        int changed = 0;
        for (FaceImage f : GENERATOR.generate(5, 120)) {
            if (f.occludedFraction() == 0) {
                continue;
            }
            FaceImage clear =
                    FaceRenderer.render(
                            f.shape(), f.pose(), f.degradation().withoutOccluders(), 64, 64, 1);
            assertArrayEquals(f.landmarks(), clear.landmarks());
            for (int i = 0; i < 98; i++) {
                if (f.occluded()[i]) {
                    int px = (int) f.landmarks()[2 * i];
                    int py = (int) f.landmarks()[2 * i + 1];
                    hidden++;
                    changed += Math.abs(f.pixel(0, px, py) - clear.pixel(0, px, py)) > 0.02 ? 1 : 0;
                }
            }
        }
        assertTrue(hidden > 100, "too few occluded landmarks to judge: " + hidden);
        assertTrue(changed > 0.85 * hidden, changed + " of " + hidden + " hidden pixels changed");
    }

    @Test
    void rgbFacesHaveThreeDistinctChannels() {
        FaceGeneratorConfig d = FaceGeneratorConfig.defaults();
        FaceGeneratorConfig rgb =
                new FaceGeneratorConfig(
                        48,
                        40,
                        3,
                        d.minScale(),
                        d.maxScale(),
                        d.maxShift(),
                        d.maxRollDegrees(),
                        d.maxYaw(),
                        1,
                        1,
                        0,
                        0,
                        BlurKind.BOX,
                        0,
                        0);
        FaceImage f = new FaceGenerator(rgb).generate(9);
        assertEquals(3 * 48 * 40, f.pixels().length);
        double diff = 0;
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 48; x++) {
                diff += Math.abs(f.pixel(0, x, y) - f.pixel(2, x, y));
            }
        }
        assertTrue(diff / (48 * 40) > 0.01, "red and blue are nearly the same: " + diff);
    }

    @Test
    void blurSmoothsTheImage() {
        FaceImage f = frontal(4);
        FaceImage blurred =
                FaceRenderer.render(
                        f.shape(),
                        f.pose(),
                        new Degradation(1, 0, 0, 0, List.of(), BlurKind.GAUSSIAN, 1.5, 0, 0),
                        64,
                        64,
                        1);
        // blur keeps the total variation of monotone edges but spreads them: squared steps shrink
        assertTrue(gradientEnergy(blurred) < 0.7 * gradientEnergy(f));
    }

    @Test
    void defaultsMatchTheDescribedDefaults() {
        assertEquals(
                FaceGeneratorConfig.defaults(),
                ConfigSchema.of(FaceGeneratorConfig.class).defaults());
        assertEquals(VideoConfig.defaults(), ConfigSchema.of(VideoConfig.class).defaults());
    }

    @Test
    void rejectsTwoChannels() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                new FaceGeneratorConfig(
                                        64,
                                        64,
                                        2,
                                        0.2,
                                        0.25,
                                        0,
                                        0,
                                        0,
                                        0,
                                        0,
                                        0,
                                        0,
                                        BlurKind.GAUSSIAN,
                                        0,
                                        0));
        assertTrue(e.getMessage().contains("channels"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    private static double gradientEnergy(FaceImage f) {
        double tv = 0;
        for (int y = 0; y < f.height(); y++) {
            for (int x = 1; x < f.width(); x++) {
                double d = f.pixel(0, x, y) - f.pixel(0, x - 1, y);
                tv += d * d;
            }
        }
        return tv;
    }
}

package org.metaforge.plugins.ldeq.drawing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.metaforge.plugins.ldeq.face.Degradation;
import org.metaforge.plugins.ldeq.face.FaceImage;

/** Oracle: pixel positions computed by hand from the sheet's layout rules. */
class LandmarkSheetTest {

    private static final int SIDE = 64;
    private static final int GREY = 0x808080;

    /** A uniform grey face (0.5) whose 98 landmarks all sit at {@code (x, y)}. */
    private static FaceImage face(double x, double y) {
        float[] pixels = new float[SIDE * SIDE];
        Arrays.fill(pixels, 0.5f);
        double[] landmarks = new double[196];
        for (int i = 0; i < 98; i++) {
            landmarks[2 * i] = x;
            landmarks[2 * i + 1] = y;
        }
        return new FaceImage(
                SIDE, SIDE, 1, pixels, landmarks, new boolean[98], null, null, Degradation.none());
    }

    private static double[] at(double x, double y) {
        return face(x, y).landmarks();
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    @Test
    void drawsMarksAtTheirPixelsInTheirColours() throws IOException {
        int scale = LandmarkSheet.scaleFor(SIDE);
        assertEquals(3, scale, "64-pixel faces are enlarged to 192");
        List<LandmarkSheet.Cell> cells = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            cells.add(
                    new LandmarkSheet.Cell(
                            face(0, 0),
                            List.of(
                                    new LandmarkSheet.Marks(
                                            at(10.5, 20.5), LandmarkSheet.GROUND_TRUTH),
                                    new LandmarkSheet.Marks(
                                            at(40.2 + k, 30.7), LandmarkSheet.PREDICTION))));
        }
        byte[] png = LandmarkSheet.png(LandmarkSheet.draw(cells, 4, scale));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        int pad = LandmarkSheet.PAD;
        int cell = SIDE * scale;
        assertEquals(pad + 4 * (cell + pad), img.getWidth());
        assertEquals(pad + 2 * (cell + pad), img.getHeight());
        for (int k = 0; k < 8; k++) {
            int x0 = pad + (k % 4) * (cell + pad);
            int y0 = pad + (k / 4) * (cell + pad);
            // ground truth at (10.5, 20.5): enlarged pixel (31, 61), a plus of arm 2 around it
            assertEquals(LandmarkSheet.GROUND_TRUTH, rgb(img, x0 + 31, y0 + 61), "cell " + k);
            assertEquals(LandmarkSheet.GROUND_TRUTH, rgb(img, x0 + 33, y0 + 61), "cell " + k);
            assertEquals(LandmarkSheet.GROUND_TRUTH, rgb(img, x0 + 31, y0 + 59), "cell " + k);
            // off the plus's arms: the face
            assertEquals(GREY, rgb(img, x0 + 32, y0 + 62), "cell " + k);
            // prediction at (40.2 + k, 30.7): floor(3 (40.2 + k)) = 120 + 3k, floor(92.1) = 92
            assertEquals(
                    LandmarkSheet.PREDICTION, rgb(img, x0 + 120 + 3 * k, y0 + 92), "cell " + k);
            // the landmarks of the face itself (at the origin) are not drawn
            assertEquals(GREY, rgb(img, x0, y0), "cell " + k);
        }
        assertEquals(LandmarkSheet.BACKGROUND, rgb(img, 0, 0));
    }

    @Test
    void laterMarksCoverEarlierOnesAndMarksOutsideTheFaceAreSkipped() {
        List<LandmarkSheet.Cell> cells =
                List.of(
                        new LandmarkSheet.Cell(
                                face(0, 0),
                                List.of(
                                        new LandmarkSheet.Marks(
                                                at(5.5, 5.5), LandmarkSheet.GROUND_TRUTH),
                                        new LandmarkSheet.Marks(
                                                at(5.5, 5.5), LandmarkSheet.SECOND_PREDICTION),
                                        new LandmarkSheet.Marks(
                                                at(-3, 70), LandmarkSheet.PREDICTION))));
        BufferedImage img = LandmarkSheet.draw(cells, 4, 1);
        assertEquals(2 * LandmarkSheet.PAD + SIDE, img.getWidth(), "one column for one cell");
        int p = LandmarkSheet.PAD;
        assertEquals(LandmarkSheet.SECOND_PREDICTION, rgb(img, p + 5, p + 5));
        assertEquals(LandmarkSheet.SECOND_PREDICTION, rgb(img, p + 6, p + 5), "arm 1 at scale 1");
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                assertTrue(rgb(img, x, y) != LandmarkSheet.PREDICTION, "drawn at " + x + "," + y);
            }
        }
    }

    @Test
    void refusesFacesOfDifferentSizes() {
        FaceImage small =
                new FaceImage(
                        8,
                        8,
                        1,
                        new float[64],
                        new double[196],
                        new boolean[98],
                        null,
                        null,
                        Degradation.none());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                LandmarkSheet.draw(
                                        List.of(
                                                new LandmarkSheet.Cell(face(0, 0), List.of()),
                                                new LandmarkSheet.Cell(small, List.of())),
                                        2,
                                        1));
        assertTrue(e.getMessage().contains("one size"), e.getMessage());
    }
}

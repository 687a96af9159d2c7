package org.metaforge.plugins.ldeq.wflw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metaforge.plugins.ldeq.face.FaceGenerator;
import org.metaforge.plugins.ldeq.face.FaceGeneratorConfig;
import org.metaforge.plugins.ldeq.face.FaceImage;

class WflwAnnotationsTest {

    @TempDir Path dir;

    @Test
    void exportedSyntheticDatasetReadsBackIdentically() throws IOException {
        List<FaceImage> faces = new FaceGenerator(FaceGeneratorConfig.defaults()).generate(4, 12);
        List<WflwAnnotation> written =
                WflwDataset.export(faces, dir, "list_98pt_rect_attr_test.txt");
        List<WflwDataset.Sample> read =
                WflwDataset.load(dir.resolve("list_98pt_rect_attr_test.txt"), dir);
        assertEquals(12, read.size());
        boolean anyOcclusion = false;
        for (int i = 0; i < 12; i++) {
            WflwAnnotation a = read.get(i).annotation();
            assertEquals(written.get(i), a);
            assertArrayEquals(faces.get(i).landmarks(), a.landmarks());
            anyOcclusion |= a.attributes().occlusion();
            Image img = read.get(i).image();
            float[] px = faces.get(i).pixels();
            for (int k = 0; k < px.length; k++) {
                assertEquals(px[k], img.pixels()[k], 0.5 / 255 + 1e-6);
            }
        }
        assertTrue(anyOcclusion, "no exported face has the occlusion flag");
    }

    @Test
    void parsesARealFormatLine() {
        StringBuilder line = new StringBuilder();
        for (int k = 0; k < 196; k++) {
            line.append(k % 2 == 0 ? "309.307007 " : "538.369019 ");
        }
        line.append("292 414 602 765 1 0 0 0 1 0 51--Dresses/51_Dresses_wearingdress_51_377.jpg");
        WflwAnnotation a = WflwAnnotations.parse(line.toString());
        assertEquals(309.307007, a.landmarks()[0]);
        assertEquals(538.369019, a.landmarks()[195]);
        assertArrayEquals(new double[] {292, 414, 602, 765}, a.box());
        assertEquals(new WflwAttributes(true, false, false, false, true, false), a.attributes());
        assertEquals("51--Dresses/51_Dresses_wearingdress_51_377.jpg", a.imagePath());
        assertEquals(a, WflwAnnotations.parse(WflwAnnotations.format(a)));
    }

    @Test
    void rejectsMalformedLinesNamingFileAndLines() throws IOException {
        String good = WflwAnnotations.format(sample());
        String shortLine = good.substring(good.indexOf(' ') + 1); // 206 fields
        String badNumber = "abc" + good.substring(good.indexOf(' '));
        String badFlag = good.replace(" 1 0 0 0 1 0 ", " 1 0 2 0 1 0 ");
        Path file = dir.resolve("bad.txt");
        Files.write(file, List.of(good, shortLine, "", badNumber, badFlag));
        WflwFormatException e =
                assertThrows(WflwFormatException.class, () -> WflwAnnotations.read(file));
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), m);
        assertTrue(m.contains("3 malformed"), m);
        assertTrue(m.contains("line 2: expected 207 fields but found 206"), m);
        assertTrue(m.contains("line 4: landmark coordinate 1 is 'abc', not a number"), m);
        assertTrue(m.contains("line 5: attribute flag 3 is '2', not 0 or 1"), m);
    }

    @Test
    void rejectsAnInvertedBox() {
        String good = WflwAnnotations.format(sample());
        String inverted = good.replace(" 10.0 20.0 50.0 60.0 ", " 50.0 20.0 10.0 60.0 ");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> WflwAnnotations.parse(inverted));
        assertTrue(e.getMessage().contains("box"), e.getMessage());
    }

    private static WflwAnnotation sample() {
        double[] lm = new double[196];
        for (int k = 0; k < lm.length; k++) {
            lm[k] = 12.5 + k * 0.25;
        }
        return new WflwAnnotation(
                lm,
                new double[] {10, 20, 50, 60},
                new WflwAttributes(true, false, false, false, true, false),
                "a/b.jpg");
    }
}

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
import org.metaforge.sdk.data.Npy;
import org.metaforge.sdk.data.NpyArray;

class WflwVideosTest {

    @TempDir Path root;

    /**
     * Writes a video in WFLW-V's layout: landmark i of frame t at (t + i, 2i), box with a score.
     */
    private void writeVideo(String id, int frames, int boxColumns) throws IOException {
        Files.createDirectories(root.resolve("landmarks"));
        Files.createDirectories(root.resolve("bboxes"));
        double[] lm = new double[frames * 98 * 2];
        double[] bb = new double[frames * boxColumns];
        for (int t = 0; t < frames; t++) {
            for (int i = 0; i < 98; i++) {
                lm[(t * 98 + i) * 2] = t + i;
                lm[(t * 98 + i) * 2 + 1] = 2 * i;
            }
            for (int c = 0; c < boxColumns; c++) {
                bb[t * boxColumns + c] = 10 * t + c;
            }
        }
        Npy.write(
                root.resolve("landmarks").resolve(id + ".npy"),
                new NpyArray(new long[] {frames, 98, 2}, lm));
        Npy.write(
                root.resolve("bboxes").resolve(id + ".npy"),
                new NpyArray(new long[] {frames, boxColumns}, bb));
    }

    @Test
    void readsLandmarksAndBoxesPerFrame() throws IOException {
        writeVideo("eEbMsJPwPEM", 3, 5);
        WflwVideos.Video v = WflwVideos.load(root, "eEbMsJPwPEM");
        assertEquals(3, v.frames());
        assertEquals(2 + 60, v.landmarks()[2][120], 0.0);
        assertEquals(120, v.landmarks()[2][121], 0.0);
        // Only x1, y1, x2, y2 are kept; the fifth column (a detector score) is dropped.
        assertArrayEquals(new double[] {20, 21, 22, 23}, v.boxes()[2], 0.0);
    }

    @Test
    void readsSplitListsSkippingBlanksAndComments() throws IOException {
        Path list = root.resolve("hard_video_IDs.txt");
        Files.writeString(list, "# hard split\neEbMsJPwPEM\n\nstlr8GcjKAo\n");
        assertEquals(List.of("eEbMsJPwPEM", "stlr8GcjKAo"), WflwVideos.ids(list));
        Files.writeString(list, "eEbMsJPwPEM\n../../etc/passwd\n");
        WflwFormatException e = assertThrows(WflwFormatException.class, () -> WflwVideos.ids(list));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void namesTheFileAndTheExpectedShapeWhenTheyDisagree() throws IOException {
        writeVideo("a", 3, 4);
        Npy.write(
                root.resolve("bboxes").resolve("a.npy"),
                new NpyArray(new long[] {2, 4}, new double[8]));
        WflwFormatException frames =
                assertThrows(WflwFormatException.class, () -> WflwVideos.load(root, "a"));
        assertTrue(frames.getMessage().contains("expected (3, 4 or more)"), frames.getMessage());
        WflwFormatException missing =
                assertThrows(WflwFormatException.class, () -> WflwVideos.load(root, "b"));
        assertTrue(missing.getMessage().contains("b.npy does not exist"), missing.getMessage());
        Npy.write(
                root.resolve("landmarks").resolve("a.npy"),
                new NpyArray(new long[] {3, 68, 2}, new double[3 * 68 * 2]));
        WflwFormatException shape =
                assertThrows(WflwFormatException.class, () -> WflwVideos.load(root, "a"));
        assertTrue(shape.getMessage().contains("(frames, 98, 2)"), shape.getMessage());
    }
}

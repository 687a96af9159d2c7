package org.metaforge.plugins.ldeq.wflw;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.metaforge.sdk.data.Npy;
import org.metaforge.sdk.data.NpyArray;
import org.metaforge.sdk.data.NpyFormatException;

/**
 * WFLW-V's annotations: per video, {@code landmarks/<id>.npy} (frames x 98 x 2, pixels) and {@code
 * bboxes/<id>.npy} (frames x 4 or more: x1, y1, x2, y2 first) under the dataset root, and split
 * lists (one video id per line, e.g. the authors' {@code easy_video_IDs.txt} and {@code
 * hard_video_IDs.txt}).
 *
 * <p>Frames themselves ({@code videos/<id>.mp4}) are not decoded here; the landmarks and boxes are
 * what the metrics and the synthetic-video experiments compare against.
 */
public final class WflwVideos {

    /** Landmarks per frame in WFLW. */
    public static final int LANDMARKS = 98;

    private WflwVideos() {}

    /**
     * One video's annotations.
     *
     * @param id the video id (the file stem)
     * @param landmarks per frame, interleaved {@code x0, y0, x1, y1, ...}
     * @param boxes per frame, {@code x1, y1, x2, y2}
     */
    public record Video(String id, double[][] landmarks, double[][] boxes) {

        /** Number of frames. */
        public int frames() {
            return landmarks.length;
        }
    }

    /** The video ids of a split list: one per line, blank lines and {@code #} comments skipped. */
    public static List<String> ids(Path listFile) throws IOException {
        List<String> out = new ArrayList<>();
        int line = 0;
        for (String raw : Files.readAllLines(listFile)) {
            line++;
            String s = raw.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            if (!s.matches("[A-Za-z0-9_.-]+")) {
                throw new WflwFormatException(
                        listFile
                                + " line "
                                + line
                                + ": '"
                                + s
                                + "' is not a video id (letters, digits, '_', '-', '.')");
            }
            out.add(s);
        }
        return out;
    }

    /**
     * Reads the landmarks and boxes of video {@code id} under {@code root}.
     *
     * @throws WflwFormatException if a file is missing, not an array of the expected shape, or the
     *     two files disagree on the number of frames
     */
    public static Video load(Path root, String id) throws IOException {
        NpyArray lm = array(root.resolve("landmarks").resolve(id + ".npy"), "landmarks");
        NpyArray bb = array(root.resolve("bboxes").resolve(id + ".npy"), "boxes");
        long[] ls = lm.shape();
        long[] bs = bb.shape();
        if (ls.length != 3 || ls[1] != LANDMARKS || ls[2] != 2) {
            throw new WflwFormatException(
                    "Landmarks of video "
                            + id
                            + " have shape "
                            + lm.shapeText()
                            + "; WFLW-V landmarks are (frames, 98, 2).");
        }
        if (bs.length != 2 || bs[1] < 4 || bs[0] != ls[0]) {
            throw new WflwFormatException(
                    "Boxes of video "
                            + id
                            + " have shape "
                            + bb.shapeText()
                            + "; expected ("
                            + ls[0]
                            + ", 4 or more), one x1, y1, x2, y2 row per landmark frame.");
        }
        int frames = (int) ls[0];
        int per = LANDMARKS * 2;
        int width = (int) bs[1];
        double[][] landmarks = new double[frames][per];
        double[][] boxes = new double[frames][4];
        for (int t = 0; t < frames; t++) {
            System.arraycopy(lm.data(), t * per, landmarks[t], 0, per);
            System.arraycopy(bb.data(), t * width, boxes[t], 0, 4);
        }
        return new Video(id, landmarks, boxes);
    }

    private static NpyArray array(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new WflwFormatException(
                    "WFLW-V "
                            + what
                            + " file "
                            + file
                            + " does not exist; the dataset root must hold landmarks/ and bboxes/"
                            + " with one <video id>.npy each.");
        }
        try {
            return Npy.read(file);
        } catch (NpyFormatException e) {
            throw new WflwFormatException(e.getMessage());
        }
    }
}

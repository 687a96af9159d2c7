package org.metaforge.plugins.ldeq.wflw;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads, validates and writes WFLW annotation files ({@code list_98pt_rect_attr_*.txt}).
 *
 * <p>Each non-blank line holds 207 whitespace-separated fields: 196 landmark coordinates (x0 y0 x1
 * y1 ... for the 98 points), the face box {@code x_min y_min x_max y_max}, six 0/1 attribute flags
 * (pose, expression, illumination, make-up, occlusion, blur) and the image path.
 */
public final class WflwAnnotations {

    /** At most this many bad lines are listed in one error; the rest are counted. */
    private static final int MAX_LISTED = 10;

    private WflwAnnotations() {}

    /**
     * Reads every annotation of {@code file}, checking every line first.
     *
     * @throws WflwFormatException naming the file and every malformed line (up to 10, then a count)
     * @throws IOException if the file cannot be read
     */
    public static List<WflwAnnotation> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<WflwAnnotation> out = new ArrayList<>(lines.size());
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(parse(line));
            } catch (IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            StringBuilder m =
                    new StringBuilder("WFLW annotation file ")
                            .append(file)
                            .append(" has ")
                            .append(problems.size())
                            .append(" malformed line(s); each line needs 196 landmark coordinates,")
                            .append(
                                    " 4 box values, 6 attribute flags (0 or 1) and an image path: ");
            m.append(String.join("; ", problems.subList(0, Math.min(MAX_LISTED, problems.size()))));
            if (problems.size() > MAX_LISTED) {
                m.append("; and ").append(problems.size() - MAX_LISTED).append(" more");
            }
            throw new WflwFormatException(m.append('.').toString());
        }
        return out;
    }

    /**
     * Parses one annotation line.
     *
     * @throws IllegalArgumentException saying what is wrong with the line
     */
    public static WflwAnnotation parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length != WflwAnnotation.FIELDS) {
            throw new IllegalArgumentException(
                    "expected " + WflwAnnotation.FIELDS + " fields but found " + f.length);
        }
        double[] lm = new double[WflwAnnotation.COORDINATES];
        for (int k = 0; k < lm.length; k++) {
            lm[k] = number(f[k], "landmark coordinate " + (k + 1));
        }
        double[] box = new double[4];
        for (int k = 0; k < 4; k++) {
            box[k] = number(f[lm.length + k], "box value " + (k + 1));
        }
        if (box[0] > box[2] || box[1] > box[3]) {
            throw new IllegalArgumentException(
                    "the box's minimum corner ("
                            + box[0]
                            + ", "
                            + box[1]
                            + ") lies beyond its maximum corner ("
                            + box[2]
                            + ", "
                            + box[3]
                            + ")");
        }
        int[] flags = new int[6];
        for (int k = 0; k < 6; k++) {
            String s = f[lm.length + 4 + k];
            if (!s.equals("0") && !s.equals("1")) {
                throw new IllegalArgumentException(
                        "attribute flag " + (k + 1) + " is '" + s + "', not 0 or 1");
            }
            flags[k] = s.charAt(0) - '0';
        }
        return new WflwAnnotation(
                lm, box, WflwAttributes.fromFlags(flags), f[WflwAnnotation.FIELDS - 1]);
    }

    /** The line of {@code a}, numbers written so that parsing gives back the same doubles. */
    public static String format(WflwAnnotation a) {
        StringBuilder sb = new StringBuilder();
        for (double v : a.landmarks()) {
            sb.append(v).append(' ');
        }
        for (double v : a.box()) {
            sb.append(v).append(' ');
        }
        for (int flag : a.attributes().toFlags()) {
            sb.append(flag).append(' ');
        }
        return sb.append(a.imagePath()).toString();
    }

    /** Writes {@code annotations} to {@code file}, one line each. */
    public static void write(Path file, List<WflwAnnotation> annotations) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (WflwAnnotation a : annotations) {
                w.write(format(a));
                w.newLine();
            }
        }
    }

    private static double number(String s, String what) {
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is '" + s + "', not a number");
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " is '" + s + "', not a finite number");
        }
        return v;
    }
}

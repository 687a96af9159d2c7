package org.metaforge.plugins.ldeq.drawing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.metaforge.plugins.ldeq.face.FaceImage;

/**
 * A contact sheet: faces in a grid of cells, each with sets of landmarks drawn on it, as an RGB
 * image or PNG bytes.
 *
 * <p>Each face is enlarged by an integer factor (nearest neighbour) so that the landmarks stand
 * apart. A landmark at the continuous pixel position {@code (x, y)} of its face (pixel {@code i}
 * covering {@code [i, i + 1)}, the faces' convention) is drawn as a plus sign of arm {@code scale -
 * 1} centred on the enlarged pixel {@code (floor(x scale), floor(y scale))}, in its set's colour;
 * later sets are drawn over earlier ones, and a landmark outside its face is not drawn. Cells are
 * {@value #PAD} pixels apart on a dark background. Pixel values go through {@link BufferedImage}
 * only, so it runs headless.
 */
public final class LandmarkSheet {

    /** Pixels between cells and around the sheet. */
    public static final int PAD = 2;

    /** The background between cells (RGB). */
    public static final int BACKGROUND = 0x202020;

    /** Ground-truth landmarks (RGB): green. */
    public static final int GROUND_TRUTH = 0x00D000;

    /** Predicted landmarks (RGB): red. */
    public static final int PREDICTION = 0xFF2020;

    /** Predictions of a second method, e.g. RwR against per-frame inference (RGB): blue. */
    public static final int SECOND_PREDICTION = 0x2080FF;

    /** Cells are enlarged to at least this many pixels across (see {@link #scaleFor}). */
    static final int MIN_CELL = 160;

    private LandmarkSheet() {}

    /**
     * One set of landmarks and its colour.
     *
     * @param landmarks interleaved x, y in pixels of the face
     * @param rgb the colour, {@code 0xRRGGBB}
     */
    public record Marks(double[] landmarks, int rgb) {}

    /**
     * One cell: a face and the landmark sets drawn on it, in drawing order.
     *
     * @param face the image (its own landmarks are not drawn unless passed as marks)
     * @param marks the sets to draw
     */
    public record Cell(FaceImage face, List<Marks> marks) {

        /** Copies the list. */
        public Cell {
            marks = List.copyOf(marks);
        }
    }

    /** The smallest integer enlargement that makes a face of {@code side} pixels at least 160. */
    public static int scaleFor(int side) {
        return Math.max(1, (MIN_CELL + side - 1) / side);
    }

    /**
     * Draws the cells row by row, {@code columns} to a row, each face enlarged {@code scale} times.
     *
     * @throws IllegalArgumentException if there are no cells, the faces differ in size, or {@code
     *     columns} or {@code scale} is below 1
     */
    public static BufferedImage draw(List<Cell> cells, int columns, int scale) {
        if (cells.isEmpty() || columns < 1 || scale < 1) {
            throw new IllegalArgumentException(
                    "A sheet needs at least one cell, one column and a scale of 1 or more; got "
                            + cells.size()
                            + " cells, "
                            + columns
                            + " columns, scale "
                            + scale
                            + ".");
        }
        int w = cells.get(0).face().width();
        int h = cells.get(0).face().height();
        for (Cell c : cells) {
            if (c.face().width() != w || c.face().height() != h) {
                throw new IllegalArgumentException(
                        "The faces of a sheet must have one size; got "
                                + w
                                + "x"
                                + h
                                + " and "
                                + c.face().width()
                                + "x"
                                + c.face().height()
                                + ".");
            }
        }
        int cols = Math.min(columns, cells.size());
        int rows = (cells.size() + cols - 1) / cols;
        int cw = w * scale;
        int ch = h * scale;
        BufferedImage img =
                new BufferedImage(
                        PAD + cols * (cw + PAD),
                        PAD + rows * (ch + PAD),
                        BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, BACKGROUND);
            }
        }
        for (int k = 0; k < cells.size(); k++) {
            int x0 = PAD + (k % cols) * (cw + PAD);
            int y0 = PAD + (k / cols) * (ch + PAD);
            Cell cell = cells.get(k);
            paintFace(img, cell.face(), x0, y0, scale);
            for (Marks m : cell.marks()) {
                for (int i = 0; i + 1 < m.landmarks().length; i += 2) {
                    plus(
                            img,
                            m.landmarks()[i],
                            m.landmarks()[i + 1],
                            m.rgb(),
                            x0,
                            y0,
                            cw,
                            ch,
                            scale);
                }
            }
        }
        return img;
    }

    /** {@code image} encoded as PNG. */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void paintFace(BufferedImage img, FaceImage f, int x0, int y0, int scale) {
        for (int y = 0; y < f.height(); y++) {
            for (int x = 0; x < f.width(); x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    float v = f.pixel(f.channels() == 1 ? 0 : c, x, y);
                    int b = Math.round(255 * Math.min(1f, Math.max(0f, v)));
                    rgb = (rgb << 8) | b;
                }
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                    }
                }
            }
        }
    }

    private static void plus(
            BufferedImage img,
            double x,
            double y,
            int rgb,
            int x0,
            int y0,
            int cw,
            int ch,
            int scale) {
        if (!(x >= 0 && y >= 0 && x * scale < cw && y * scale < ch)) {
            return;
        }
        int cx = (int) Math.floor(x * scale);
        int cy = (int) Math.floor(y * scale);
        int arm = Math.max(1, scale - 1);
        for (int d = -arm; d <= arm; d++) {
            dot(img, cx + d, cy, rgb, x0, y0, cw, ch);
            dot(img, cx, cy + d, rgb, x0, y0, cw, ch);
        }
    }

    /** Colours pixel {@code (x, y)} of the cell at {@code (x0, y0)}, if it lies in the cell. */
    private static void dot(
            BufferedImage img, int x, int y, int rgb, int x0, int y0, int cw, int ch) {
        if (x >= 0 && y >= 0 && x < cw && y < ch) {
            img.setRGB(x0 + x, y0 + y, rgb);
        }
    }
}

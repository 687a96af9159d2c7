package org.metaforge.plugins.ldeq.wflw;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Reads and writes 8-bit images: binary PGM (grey) and PPM (RGB) both ways, and PNG or JPEG (the
 * WFLW originals) for reading through {@code javax.imageio}.
 */
public final class ImageFiles {

    private ImageFiles() {}

    /**
     * Writes {@code img} as binary PGM (1 channel) or PPM (3 channels), values rounded to 8 bits.
     */
    public static void writePnm(Path file, Image img) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            String header =
                    (img.channels() == 1 ? "P5" : "P6")
                            + "\n"
                            + img.width()
                            + " "
                            + img.height()
                            + "\n255\n";
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            for (int y = 0; y < img.height(); y++) {
                for (int x = 0; x < img.width(); x++) {
                    for (int c = 0; c < img.channels(); c++) {
                        out.write(Math.round(255 * Math.max(0, Math.min(1, img.pixel(c, x, y)))));
                    }
                }
            }
        }
    }

    /**
     * Reads an image: PGM/PPM by their magic number, anything else through {@code ImageIO} (as
     * RGB).
     *
     * @throws IOException if the file cannot be read or is not an image, naming the file
     */
    public static Image read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pgm") || name.endsWith(".ppm")) {
            return readPnm(file);
        }
        BufferedImage b = ImageIO.read(file.toFile());
        if (b == null) {
            throw new IOException(
                    "Image "
                            + file
                            + " is in no format this JVM reads; use PNG, JPEG, PGM or PPM.");
        }
        int w = b.getWidth();
        int h = b.getHeight();
        float[] px = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = b.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    px[(c * h + y) * w + x] = ((rgb >> (16 - 8 * c)) & 0xff) / 255f;
                }
            }
        }
        return new Image(w, h, 3, px);
    }

    private static Image readPnm(Path file) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            String magic = token(in, file);
            if (!magic.equals("P5") && !magic.equals("P6")) {
                throw new IOException(
                        "Image "
                                + file
                                + " starts with '"
                                + magic
                                + "'; only binary PGM (P5) and"
                                + " PPM (P6) are read.");
            }
            int w = Integer.parseInt(token(in, file));
            int h = Integer.parseInt(token(in, file));
            int max = Integer.parseInt(token(in, file));
            if (max != 255) {
                throw new IOException(
                        "Image "
                                + file
                                + " has maximum value "
                                + max
                                + "; only 8-bit (255) is read.");
            }
            int channels = magic.equals("P5") ? 1 : 3;
            float[] px = new float[channels * w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < channels; c++) {
                        int v = in.read();
                        if (v < 0) {
                            throw new IOException("Image " + file + " ends before its last pixel.");
                        }
                        px[(c * h + y) * w + x] = v / 255f;
                    }
                }
            }
            return new Image(w, h, channels, px);
        } catch (NumberFormatException e) {
            throw new IOException("Image " + file + " has a malformed PNM header.", e);
        }
    }

    /** The next header token; the single whitespace after the last one is consumed too. */
    private static String token(InputStream in, Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '#' && sb.length() == 0) {
                while ((c = in.read()) >= 0 && c != '\n') {
                    // skip a comment line
                }
            } else if (Character.isWhitespace(c)) {
                if (sb.length() > 0) {
                    return sb.toString();
                }
            } else {
                sb.append((char) c);
            }
        }
        throw new IOException("Image " + file + " ends inside its PNM header.");
    }
}

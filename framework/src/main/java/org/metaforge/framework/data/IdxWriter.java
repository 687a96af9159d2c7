package org.metaforge.framework.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes gzip-compressed IDX files of unsigned bytes, byte for byte the same for the same content.
 *
 * <p>{@link GZIPOutputStream} writes no file name and a modification time of 0, so the output
 * depends only on the data (and the JDK's deflate implementation).
 */
final class IdxWriter {

    private IdxWriter() {}

    /** Writes an idx3 image file: {@code count} images of {@code rows x cols} unsigned bytes. */
    static void writeImages(Path file, byte[] pixels, int count, int rows, int cols)
            throws IOException {
        if ((long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException(
                    count
                            + " images of "
                            + rows
                            + "x"
                            + cols
                            + " need "
                            + (long) count * rows * cols
                            + " bytes, got "
                            + pixels.length);
        }
        write(file, 3, new int[] {count, rows, cols}, pixels);
    }

    /** Writes an idx1 label file. */
    static void writeLabels(Path file, byte[] labels) throws IOException {
        write(file, 1, new int[] {labels.length}, labels);
    }

    private static void write(Path file, int rank, int[] dims, byte[] data) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                GZIPOutputStream gzip =
                        new GZIPOutputStream(new BufferedOutputStream(raw), 1 << 16);
                DataOutputStream out = new DataOutputStream(gzip)) {
            out.write(new byte[] {0, 0, 0x08, (byte) rank});
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }
}

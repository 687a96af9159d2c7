package org.metaforge.framework.data;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.metaforge.sdk.data.LabeledImages;

/** Hand-made IDX bytes for tests, and a way to see the pixels a {@link LabeledImages} holds. */
final class IdxFixtures {

    private IdxFixtures() {}

    /** An idx3 file: magic {@code 00 00 08 03}, count, rows, cols, then the pixel bytes. */
    static byte[] images(int count, int rows, int cols, int... pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.put(new byte[] {0, 0, 0x08, 0x03}).putInt(count).putInt(rows).putInt(cols);
        for (int p : pixels) {
            b.put((byte) p);
        }
        return b.array();
    }

    /** An idx1 file: magic {@code 00 00 08 01}, count, then the label bytes. */
    static byte[] labels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.put(new byte[] {0, 0, 0x08, 0x01}).putInt(labels.length);
        for (int l : labels) {
            b.put((byte) l);
        }
        return b.array();
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    static String sha256(byte[]... parts) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            md.update(part);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Train images of a tiny dataset whose first label is {@code marker}: 3 images of 2x2. */
    static byte[] tinyTrainImages(int marker) {
        return images(3, 2, 2, marker, 0, 255, 128, 1, 2, 3, 4, 10, 20, 30, 40);
    }

    static byte[] tinyTrainLabels(int marker) {
        return labels(marker, 1, 2);
    }

    static byte[] tinyTestImages() {
        return images(2, 2, 2, 9, 8, 7, 6, 5, 4, 3, 2);
    }

    static byte[] tinyTestLabels(int marker) {
        return labels(marker, 0);
    }

    /**
     * Writes a tiny dataset (3 train and 2 test images of 2x2, labels below 10) into {@code dir}
     * under the four standard names, gzip-compressed or plain.
     *
     * @param marker the first label of each split, to tell datasets apart
     */
    static Path writeTinyDataset(Path dir, int marker, boolean gzip) throws IOException {
        String suffix = gzip ? ".gz" : "";
        write(
                dir.resolve(IdxFiles.TRAIN_IMAGES + suffix),
                maybeGzip(tinyTrainImages(marker), gzip));
        write(
                dir.resolve(IdxFiles.TRAIN_LABELS + suffix),
                maybeGzip(tinyTrainLabels(marker), gzip));
        write(dir.resolve(IdxFiles.TEST_IMAGES + suffix), maybeGzip(tinyTestImages(), gzip));
        write(dir.resolve(IdxFiles.TEST_LABELS + suffix), maybeGzip(tinyTestLabels(marker), gzip));
        return dir;
    }

    private static byte[] maybeGzip(byte[] plain, boolean gzip) {
        return gzip ? gzip(plain) : plain;
    }

    /**
     * The pixels of all samples, in order, as {@link LabeledImages#batch} hands them to an {@link
     * NDManager} (a stand-in that records them, so no engine is needed).
     */
    static float[] pixelsOf(LabeledImages images) {
        float[][] seen = new float[1][];
        NDManager recorder =
                (NDManager)
                        Proxy.newProxyInstance(
                                NDManager.class.getClassLoader(),
                                new Class<?>[] {NDManager.class},
                                (proxy, method, args) -> {
                                    if (method.getName().equals("create")
                                            && args != null
                                            && args[0] instanceof FloatBuffer buffer) {
                                        seen[0] = new float[buffer.remaining()];
                                        buffer.get(seen[0]);
                                    }
                                    return null;
                                });
        images.batch(recorder, 0, images.size());
        return seen[0];
    }
}

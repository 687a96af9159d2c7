package org.metaforge.framework.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.metaforge.framework.data.IdxFixtures.gzip;
import static org.metaforge.framework.data.IdxFixtures.images;
import static org.metaforge.framework.data.IdxFixtures.labels;
import static org.metaforge.framework.data.IdxFixtures.pixelsOf;
import static org.metaforge.framework.data.IdxFixtures.sha256;
import static org.metaforge.framework.data.IdxFixtures.write;

import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metaforge.sdk.data.LabeledImages;

class IdxReaderTest {

    private static final String REMEDY = "re-install dataset-fashion-mnist or delete the file";

    @TempDir Path dir;

    private final IdxReader reader = new IdxReader(10, REMEDY);

    @Test
    void readsPixelsAsBytesOver255AndLabels() throws Exception {
        Path img =
                write(
                        dir.resolve("img"),
                        images(2, 2, 3, 0, 255, 128, 1, 2, 3, 10, 20, 30, 40, 50, 254));
        Path lab = write(dir.resolve("lab"), labels(7, 3));

        LabeledImages set = reader.read("tiny/train", img, lab);

        assertEquals("tiny/train", set.name());
        assertEquals(2, set.size());
        assertEquals(new Shape(1, 2, 3), set.sampleShape());
        assertEquals(10, set.numClasses());
        assertEquals(7, set.label(0));
        assertEquals(3, set.label(1));
        float[] expected = {
            0f,
            1f,
            128 / 255f,
            1 / 255f,
            2 / 255f,
            3 / 255f,
            10 / 255f,
            20 / 255f,
            30 / 255f,
            40 / 255f,
            50 / 255f,
            254 / 255f
        };
        assertArrayEquals(expected, pixelsOf(set), 0f);
    }

    @Test
    void fingerprintIsSha256OfImageFileThenLabelFile() throws Exception {
        byte[] img = images(1, 1, 2, 5, 6);
        byte[] lab = labels(4);

        LabeledImages set =
                reader.read("x", write(dir.resolve("img"), img), write(dir.resolve("lab"), lab));

        assertEquals(sha256(img, lab), set.fingerprint());
    }

    @Test
    void gzipAndPlainGiveIdenticalDataAndFingerprints() throws Exception {
        Random random = new Random(7);
        int[] pixels = random.ints(5 * 4 * 4, 0, 256).toArray();
        int[] labelValues = random.ints(5, 0, 10).toArray();
        byte[] img = images(5, 4, 4, pixels);
        byte[] lab = labels(labelValues);
        // Compression is recognised by content: the gzip copies have no .gz suffix and the plain
        // image file has one.
        LabeledImages plain =
                reader.read("p", write(dir.resolve("img.gz"), img), write(dir.resolve("lab"), lab));
        LabeledImages gzipped =
                reader.read(
                        "g",
                        write(dir.resolve("img-z"), gzip(img)),
                        write(dir.resolve("lab-z"), gzip(lab)));

        assertEquals(plain.fingerprint(), gzipped.fingerprint());
        assertArrayEquals(pixelsOf(plain), pixelsOf(gzipped), 0f);
        for (int i = 0; i < 5; i++) {
            assertEquals(labelValues[i], gzipped.label(i));
            assertEquals(plain.label(i), gzipped.label(i));
        }
    }

    @Test
    void infersClassCountWhenNotGiven() throws Exception {
        LabeledImages set =
                new IdxReader(0, REMEDY)
                        .read(
                                "x",
                                write(dir.resolve("img"), images(3, 1, 1, 1, 2, 3)),
                                write(dir.resolve("lab"), labels(0, 4, 2)));

        assertEquals(5, set.numClasses());
    }

    @Test
    void readsEmptySets() throws Exception {
        LabeledImages set =
                reader.read(
                        "x",
                        write(dir.resolve("img"), images(0, 28, 28)),
                        write(dir.resolve("lab"), labels()));

        assertEquals(0, set.size());
        assertEquals(new Shape(1, 28, 28), set.sampleShape());
    }

    @Test
    void rejectsTruncatedImageData() throws Exception {
        byte[] whole = images(3, 2, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        Path img = write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(whole, 16 + 7));
        Path lab = write(dir.resolve("lab"), labels(1, 2, 3));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertEquals(
                img
                        + " is truncated: header says 3 images of 2x2 (12 bytes) but the file has"
                        + " 7; "
                        + REMEDY
                        + ".",
                e.getMessage());
    }

    @Test
    void rejectsTruncatedGzipStream() throws Exception {
        int[] pixels = new Random(1).ints(200 * 28 * 28, 0, 256).toArray();
        byte[] compressed = gzip(images(200, 28, 28, pixels));
        Path img =
                write(
                        dir.resolve("train-images-idx3-ubyte.gz"),
                        Arrays.copyOf(compressed, compressed.length / 2));
        Path lab = write(dir.resolve("lab"), labels(new int[200]));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertTrue(
                e.getMessage()
                        .startsWith(
                                img
                                        + " is truncated: header says 200 images of 28x28"
                                        + " (156,800 bytes) but the file has "),
                e.getMessage());
        assertTrue(e.getMessage().contains("its gzip stream breaks off"), e.getMessage());
        assertTrue(e.getMessage().endsWith(REMEDY + "."), e.getMessage());
    }

    @Test
    void rejectsGzipStreamCutInItsTrailer() throws Exception {
        byte[] compressed = gzip(images(1, 1, 1, 9));
        Path img = write(dir.resolve("img"), Arrays.copyOf(compressed, compressed.length - 3));
        Path lab = write(dir.resolve("lab"), labels(1));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertTrue(e.getMessage().startsWith(img + " is truncated:"), e.getMessage());
    }

    @Test
    void rejectsTruncatedHeader() throws Exception {
        Path img = write(dir.resolve("img"), Arrays.copyOf(images(1, 1, 1, 9), 9));
        Path lab = write(dir.resolve("lab"), labels(1));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertTrue(
                e.getMessage()
                        .startsWith(
                                img
                                        + " is truncated: it ends after 9 bytes, inside the IDX header"),
                e.getMessage());
    }

    @Test
    void rejectsEmptyFile() throws Exception {
        Path img = write(dir.resolve("img"), new byte[0]);
        Path lab = write(dir.resolve("lab"), labels(1));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertEquals(img + " is empty; " + REMEDY + ".", e.getMessage());
    }

    @Test
    void rejectsFileThatIsNotIdx() throws Exception {
        Path img =
                write(
                        dir.resolve("train-images-idx3-ubyte.gz"),
                        "<!DOCTYPE html><html>Not Found</html>"
                                .getBytes(StandardCharsets.US_ASCII));
        Path lab = write(dir.resolve("lab"), labels(1));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertEquals(
                img
                        + " is not an IDX file: it starts with 3c 21 44 4f (\"<!DO\") instead of"
                        + " 00 00 08 03; "
                        + REMEDY
                        + ".",
                e.getMessage());
    }

    @Test
    void rejectsLabelFileWhereImagesAreExpected() throws Exception {
        Path img = write(dir.resolve("img"), labels(1, 2));
        Path lab = write(dir.resolve("lab"), labels(1, 2));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertTrue(
                e.getMessage()
                        .startsWith(
                                img
                                        + " is an IDX file with 1 dimension, but an image file has"
                                        + " 3 (count, rows, columns)"),
                e.getMessage());
    }

    @Test
    void rejectsIdxOfOtherElementTypes() throws Exception {
        byte[] floats = images(1, 1, 1, 0, 0, 0, 0);
        floats[2] = 0x0d;
        ByteBuffer.wrap(floats).putInt(12, 1);
        Path img = write(dir.resolve("img"), floats);
        Path lab = write(dir.resolve("lab"), labels(1));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertTrue(
                e.getMessage()
                        .startsWith(
                                img
                                        + " holds IDX data of type 0x0d (32-bit floats), but only"
                                        + " unsigned bytes (0x08) are supported"),
                e.getMessage());
    }

    @Test
    void rejectsCorruptDeflateData() throws Exception {
        byte[] compressed = gzip(images(4, 2, 2, new int[16]));
        // The first deflate byte follows the 10-byte gzip header; 0xff declares block type 3,
        // which deflate reserves.
        compressed[10] = (byte) 0xff;
        Path img = write(dir.resolve("img"), compressed);
        Path lab = write(dir.resolve("lab"), labels(1, 2, 3, 4));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertTrue(
                e.getMessage()
                        .startsWith(
                                img
                                        + " is not a valid gzip file: its compressed stream is"
                                        + " corrupt (invalid block type)"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(REMEDY + "."), e.getMessage());
    }

    @Test
    void rejectsGzipWhoseChecksumDoesNotMatch() throws Exception {
        byte[] compressed = gzip(labels(1, 2, 3));
        compressed[compressed.length - 8] ^= 0x01; // the CRC-32 of the trailer
        Path img = write(dir.resolve("img"), images(3, 1, 1, 1, 2, 3));
        Path lab = write(dir.resolve("lab"), compressed);

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertTrue(e.getMessage().startsWith(lab + " is not a valid gzip file: "), e.getMessage());
    }

    @Test
    void rejectsBytesAfterTheData() throws Exception {
        byte[] img = images(1, 1, 2, 1, 2, 3, 4, 5);
        Path file = write(dir.resolve("img"), img);
        Path lab = write(dir.resolve("lab"), labels(1));

        DatasetException e =
                assertThrows(DatasetException.class, () -> reader.read("x", file, lab));

        assertTrue(
                e.getMessage()
                        .startsWith(
                                file
                                        + " is not a valid IDX file: it has 3 bytes after the 1"
                                        + " image of 1x2 its header announces"),
                e.getMessage());
    }

    @Test
    void rejectsImageAndLabelCountsThatDiffer() throws Exception {
        Path img = write(dir.resolve("train-images"), images(3, 1, 1, 1, 2, 3));
        Path lab = write(dir.resolve("train-labels"), labels(1, 2));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertEquals(
                img
                        + " holds 3 images but "
                        + lab
                        + " holds 2 labels, so the two files do not belong together; "
                        + REMEDY
                        + ".",
                e.getMessage());
    }

    @Test
    void rejectsLabelsOutsideTheClasses() throws Exception {
        Path img = write(dir.resolve("img"), images(3, 1, 1, 1, 2, 3));
        Path lab = write(dir.resolve("train-labels"), labels(9, 12, 0));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertEquals(
                lab
                        + " has label 12 at index 1, outside the 10 classes [0, 10) of this"
                        + " dataset; "
                        + REMEDY
                        + ".",
                e.getMessage());
    }

    @Test
    void rejectsMissingFile() throws Exception {
        Path img = dir.resolve("nowhere");
        Path lab = write(dir.resolve("lab"), labels(1));

        DatasetException e = assertThrows(DatasetException.class, () -> reader.read("x", img, lab));

        assertEquals(img + " does not exist; " + REMEDY + ".", e.getMessage());
    }

    @Test
    void rejectsImpossibleDimensions() throws Exception {
        byte[] img = images(1, 1, 1, 7);
        ByteBuffer.wrap(img).putInt(8, 0);
        Path file = write(dir.resolve("img"), img);
        Path lab = write(dir.resolve("lab"), labels(1));

        DatasetException e =
                assertThrows(DatasetException.class, () -> reader.read("x", file, lab));

        assertTrue(
                e.getMessage()
                        .startsWith(file + " is not a valid IDX file: its header gives rows as 0"),
                e.getMessage());
    }
}

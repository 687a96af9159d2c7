package org.metaforge.framework.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.metaforge.sdk.data.LabeledImages;

/**
 * Reads labelled images stored in the IDX format of MNIST and Fashion-MNIST.
 *
 * <p>An image file starts with the magic bytes {@code 00 00 08 03} (unsigned bytes, three
 * dimensions), then the image count, rows and columns as big-endian 32-bit integers, then one
 * unsigned byte per pixel. A label file starts with {@code 00 00 08 01}, then the count, then one
 * unsigned byte per label. Either file may be gzip-compressed; compression is recognised by the
 * gzip magic number {@code 1f 8b}, not by the file name. Pixels become floats in [0, 1] (byte value
 * / 255); the sample shape is {@code (1, rows, cols)}.
 *
 * <p>The fingerprint of a split is the SHA-256 of the decompressed bytes of its image file followed
 * by those of its label file, computed while reading; a gzip and a plain copy of the same data have
 * the same fingerprint.
 *
 * <p>Every defect (not an IDX file, truncated, corrupt gzip stream, bytes after the data, image and
 * label counts that differ, labels out of range) is a {@link DatasetException} whose message names
 * the file, says what is wrong and ends with the remedy given to the constructor. Instances are
 * immutable and thread-safe.
 */
public final class IdxReader {

    private static final int UNSIGNED_BYTE = 0x08;
    private static final int BUFFER = 1 << 16;
    private static final int MAX_BYTES = Integer.MAX_VALUE - 8;
    private static final int FIRST_ALLOCATION = 1 << 24;

    private final int numClasses;
    private final String remedy;

    /**
     * Creates a reader.
     *
     * @param numClasses labels must lie in {@code [0, numClasses)}; {@code 0} takes the largest
     *     label plus one
     * @param remedy what the user should do about a bad file, the end of every error message, e.g.
     *     {@code "re-install dataset-fashion-mnist or delete the file"}
     */
    public IdxReader(int numClasses, String remedy) {
        if (numClasses < 0 || numClasses > 256) {
            throw new IllegalArgumentException(
                    "numClasses must be in [0, 256] (labels are unsigned bytes), got "
                            + numClasses);
        }
        this.numClasses = numClasses;
        this.remedy = Objects.requireNonNull(remedy, "remedy");
    }

    /**
     * Reads one split from an IDX image file and the IDX label file that goes with it.
     *
     * @param name the name of the result, e.g. {@code fashion-mnist/train}
     * @param imagesFile an idx3 file of unsigned bytes, plain or gzip
     * @param labelsFile an idx1 file of unsigned bytes, plain or gzip
     * @return the images with pixels in [0, 1], sample shape {@code (1, rows, cols)}
     * @throws DatasetException if a file is missing, unreadable or malformed
     */
    public LabeledImages read(String name, Path imagesFile, Path labelsFile)
            throws DatasetException {
        RawSplit raw = readSplit(IdxSource.of(imagesFile), IdxSource.of(labelsFile));
        return raw.toLabeledImages(name, classesOf(raw));
    }

    /** The number of classes this reader assigns to {@code raw}. */
    int classesOf(RawSplit raw) {
        return numClasses > 0 ? numClasses : Math.max(1, raw.maxLabel() + 1);
    }

    /** Reads and checks an image file and its label file, fingerprinting both together. */
    RawSplit readSplit(IdxSource images, IdxSource labels) throws DatasetException {
        MessageDigest digest = sha256();
        Block pixels = readFile(images, Kind.IMAGES, digest);
        Block labelBytes = readFile(labels, Kind.LABELS, digest);
        if (pixels.count() != labelBytes.count()) {
            throw new DatasetException(
                    images.location()
                            + " holds "
                            + grouped(pixels.count())
                            + " images but "
                            + labels.location()
                            + " holds "
                            + grouped(labelBytes.count())
                            + " labels, so the two files do not belong together; "
                            + remedy
                            + ".");
        }
        if (numClasses > 0) {
            byte[] data = labelBytes.data();
            for (int i = 0; i < data.length; i++) {
                int label = data[i] & 0xFF;
                if (label >= numClasses) {
                    throw fail(
                            labels,
                            "has label "
                                    + label
                                    + " at index "
                                    + grouped(i)
                                    + ", outside the "
                                    + numClasses
                                    + " classes [0, "
                                    + numClasses
                                    + ") of this dataset");
                }
            }
        }
        return new RawSplit(
                pixels.data(),
                labelBytes.data(),
                pixels.rows(),
                pixels.cols(),
                HexFormat.of().formatHex(digest.digest()));
    }

    private Block readFile(IdxSource source, Kind kind, MessageDigest digest)
            throws DatasetException {
        Cursor cursor = new Cursor(digest);
        try (InputStream raw = source.open()) {
            BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER);
            cursor.gzip = startsWithGzipMagic(buffered);
            cursor.in = cursor.gzip ? new GZIPInputStream(buffered, BUFFER) : buffered;
            return parse(source, kind, cursor);
        } catch (EOFException e) {
            // Only the inflater throws this: the compressed stream stops before its end.
            throw truncated(source, cursor);
        } catch (ZipException e) {
            throw fail(
                    source,
                    "is not a valid gzip file: its compressed stream is corrupt ("
                            + e.getMessage()
                            + ") after "
                            + grouped(cursor.delivered)
                            + " bytes of data");
        } catch (NoSuchFileException e) {
            throw fail(source, "does not exist");
        } catch (IOException e) {
            throw new DatasetException(
                    source.location() + " cannot be read (" + e + "); " + remedy + ".", e);
        }
    }

    private Block parse(IdxSource source, Kind kind, Cursor cursor)
            throws IOException, DatasetException {
        byte[] magic = new byte[4];
        int got = cursor.read(magic, 0, magic.length);
        if (got == 0) {
            throw fail(source, "is empty");
        }
        if (got < magic.length) {
            throw truncated(source, cursor);
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw fail(
                    source,
                    "is not an IDX file: it starts with "
                            + describe(magic)
                            + " instead of "
                            + kind.magic);
        }
        if (magic[2] != UNSIGNED_BYTE) {
            throw fail(
                    source,
                    String.format(
                            Locale.ROOT,
                            "holds IDX data of type 0x%02x (%s), but only unsigned bytes (0x08)"
                                    + " are supported",
                            magic[2] & 0xFF,
                            typeName(magic[2])));
        }
        int rank = magic[3] & 0xFF;
        if (rank != kind.rank) {
            throw fail(
                    source,
                    "is an IDX file with "
                            + rank
                            + (rank == 1 ? " dimension" : " dimensions")
                            + ", but "
                            + kind.noun
                            + " file has "
                            + kind.rank
                            + " ("
                            + kind.dimensionNames
                            + ")");
        }
        byte[] header = new byte[4 * rank];
        if (cursor.read(header, 0, header.length) < header.length) {
            throw truncated(source, cursor);
        }
        ByteBuffer big = ByteBuffer.wrap(header);
        int[] dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = big.getInt();
            if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
                throw fail(
                        source,
                        "is not a valid IDX file: its header gives "
                                + kind.dimensionNames.split(", ")[i]
                                + " as "
                                + Integer.toUnsignedString(dims[i]));
            }
            size *= dims[i];
        }
        cursor.kind = kind;
        cursor.dims = dims;
        cursor.headerBytes = 4 + header.length;
        if (size > MAX_BYTES) {
            throw fail(
                    source,
                    "is not a valid IDX file: its header says "
                            + cursor.contents()
                            + ", more than this reader can hold");
        }
        byte[] data = readData(cursor, (int) size);
        if (data.length < size) {
            throw truncated(source, cursor);
        }
        long extra = cursor.drain();
        if (extra > 0) {
            throw fail(
                    source,
                    "is not a valid IDX file: it has "
                            + grouped(extra)
                            + " bytes after the "
                            + cursor.contents()
                            + " its header announces");
        }
        return kind == Kind.IMAGES
                ? new Block(dims[0], dims[1], dims[2], data)
                : new Block(dims[0], 0, 0, data);
    }

    /**
     * Reads up to {@code size} bytes, growing the array as data arrives so that a header with a
     * wrong, huge count cannot allocate gigabytes before the file runs out.
     */
    private static byte[] readData(Cursor cursor, int size) throws IOException {
        byte[] data = new byte[Math.min(size, FIRST_ALLOCATION)];
        int filled = 0;
        while (true) {
            filled += cursor.read(data, filled, data.length - filled);
            if (filled < data.length || data.length == size) {
                return filled == data.length ? data : Arrays.copyOf(data, filled);
            }
            data = Arrays.copyOf(data, (int) Math.min(size, 2L * data.length));
        }
    }

    private DatasetException truncated(IdxSource source, Cursor cursor) {
        String gzipNote = cursor.gzip ? " (its gzip stream breaks off there)" : "";
        if (cursor.dims == null) {
            return fail(
                    source,
                    "is truncated: it ends after "
                            + grouped(cursor.delivered)
                            + " bytes, inside the IDX header"
                            + gzipNote);
        }
        long dataBytes = cursor.delivered - cursor.headerBytes;
        if (dataBytes < cursor.dataBytes()) {
            return fail(
                    source,
                    "is truncated: header says "
                            + cursor.contents()
                            + " ("
                            + grouped(cursor.dataBytes())
                            + " bytes) but the file has "
                            + grouped(dataBytes)
                            + gzipNote);
        }
        return fail(source, "is truncated: its gzip stream ends before its checksum trailer");
    }

    private DatasetException fail(IdxSource source, String what) {
        return new DatasetException(source.location() + " " + what + "; " + remedy + ".");
    }

    private static boolean startsWithGzipMagic(BufferedInputStream in) throws IOException {
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip;
    }

    private static String describe(byte[] magic) {
        StringBuilder hex = new StringBuilder();
        boolean printable = true;
        for (byte b : magic) {
            hex.append(hex.length() == 0 ? "" : " ").append(String.format("%02x", b & 0xFF));
            printable &= b >= 0x20 && b < 0x7f;
        }
        if (printable) {
            hex.append(" (\"").append(new String(magic, StandardCharsets.US_ASCII)).append("\")");
        }
        return hex.toString();
    }

    private static String typeName(byte type) {
        return switch (type) {
            case 0x09 -> "signed bytes";
            case 0x0b -> "16-bit integers";
            case 0x0c -> "32-bit integers";
            case 0x0d -> "32-bit floats";
            case 0x0e -> "64-bit floats";
            default -> "an unknown type";
        };
    }

    static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** What a file holds, by its IDX rank. */
    private enum Kind {
        IMAGES(3, "00 00 08 03", "an image", "count, rows, columns"),
        LABELS(1, "00 00 08 01", "a label", "count");

        final int rank;
        final String magic;
        final String noun;
        final String dimensionNames;

        Kind(int rank, String magic, String noun, String dimensionNames) {
            this.rank = rank;
            this.magic = magic;
            this.noun = noun;
            this.dimensionNames = dimensionNames;
        }
    }

    /** The parsed content of one file; rows and cols are 0 for labels. */
    private record Block(int count, int rows, int cols, byte[] data) {}

    /** Reads the decompressed bytes of one file, feeding the digest and counting. */
    private static final class Cursor {
        private final MessageDigest digest;
        InputStream in;
        boolean gzip;
        long delivered;
        Kind kind;
        int[] dims;
        int headerBytes;

        Cursor(MessageDigest digest) {
            this.digest = digest;
        }

        /** Reads until {@code len} bytes or the end of the stream; returns how many. */
        int read(byte[] buffer, int offset, int len) throws IOException {
            int total = 0;
            while (total < len) {
                int n = in.read(buffer, offset + total, len - total);
                if (n < 0) {
                    break;
                }
                digest.update(buffer, offset + total, n);
                total += n;
                delivered += n;
            }
            return total;
        }

        /** Reads to the end, which also makes the inflater check the gzip trailer. */
        long drain() throws IOException {
            byte[] scratch = new byte[BUFFER];
            long extra = 0;
            int n;
            while ((n = read(scratch, 0, scratch.length)) > 0) {
                extra += n;
            }
            return extra;
        }

        long dataBytes() {
            long size = 1;
            for (int d : dims) {
                size *= d;
            }
            return size;
        }

        String contents() {
            return kind == Kind.IMAGES
                    ? grouped(dims[0])
                            + (dims[0] == 1 ? " image of " : " images of ")
                            + dims[1]
                            + "x"
                            + dims[2]
                    : grouped(dims[0]) + (dims[0] == 1 ? " label" : " labels");
        }
    }
}

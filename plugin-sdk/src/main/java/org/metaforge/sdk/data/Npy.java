package org.metaforge.sdk.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0 to 3.0), the format of WFLW-V's
 * per-video landmarks and boxes and of landmark prediction files.
 *
 * <p>Reading takes C-order arrays of little- or big-endian floats (f4, f8), signed integers (i1,
 * i2, i4, i8) and unsigned bytes (u1), and returns them as float64. Writing produces version 1.0,
 * little-endian float64 ({@code <f8}), C order, written to a temporary file and moved into place so
 * a failure never leaves half a file.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /**
     * Reads an array.
     *
     * @throws NpyFormatException if the file is not a {@code .npy} file, is truncated, or holds a
     *     data type or layout this reader does not take (the message says which)
     * @throws IOException if the file cannot be read
     */
    public static NpyArray read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !startsWithMagic(bytes)) {
            throw bad(file, "it does not start with the .npy magic string \\x93NUMPY");
        }
        int major = bytes[6] & 0xff;
        in.position(8);
        long headerLength;
        if (major == 1) {
            headerLength = in.getShort() & 0xffff;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw bad(file, "it is truncated inside the header");
            }
            headerLength = in.getInt() & 0xffffffffL;
        } else {
            throw bad(file, "its format version " + major + " is unknown (1, 2 or 3 expected)");
        }
        int dataStart = in.position() + (int) headerLength;
        if (headerLength > bytes.length || dataStart > bytes.length) {
            throw bad(file, "it is truncated inside the header");
        }
        String header =
                new String(
                        bytes,
                        in.position(),
                        (int) headerLength,
                        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeText.find()) {
            throw bad(
                    file,
                    "its header lacks 'descr', 'fortran_order' or 'shape' (header: "
                            + header.strip()
                            + ")");
        }
        if (fortran.group(1).equals("True")) {
            throw bad(
                    file,
                    "it is stored in Fortran order; save it with"
                            + " np.save(path, np.ascontiguousarray(a))");
        }
        long[] shape = parseShape(file, shapeText.group(1));
        char kind = descr.group(2).charAt(0);
        int size = Integer.parseInt(descr.group(3));
        ByteOrder order =
                descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        if (!supported(kind, size)) {
            throw bad(
                    file,
                    "its data type '"
                            + descr.group(1)
                            + kind
                            + size
                            + "' is not supported (floats f4/f8, signed integers i1-i8, bytes"
                            + " u1); convert it with a.astype(np.float64)");
        }
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count > Integer.MAX_VALUE || (long) dataStart + count * size > bytes.length) {
            throw bad(
                    file,
                    "it is truncated: shape "
                            + NpyArray.shapeText(shape)
                            + " of "
                            + size
                            + "-byte values needs "
                            + count * size
                            + " bytes of data, the file has "
                            + (bytes.length - dataStart));
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) (count * size)).order(order);
        double[] values = new double[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = value(data, kind, size);
        }
        return new NpyArray(shape, values);
    }

    /**
     * Writes {@code array} as little-endian float64, C order, format 1.0.
     *
     * @throws IOException if the file cannot be written (an existing file is then left as it was)
     */
    public static void write(Path file, NpyArray array) throws IOException {
        String dict =
                "{'descr': '<f8', 'fortran_order': False, 'shape': "
                        + NpyArray.shapeText(array.shape())
                        + ", }";
        // The header (magic, version, length, dict, padding, newline) is a multiple of 64 bytes.
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        double[] data = array.data();
        ByteBuffer out =
                ByteBuffer.allocate(MAGIC.length + 4 + header.length() + 8 * data.length)
                        .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (double v : data) {
            out.putDouble(v);
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, out.array());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean startsWithMagic(byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean supported(char kind, int size) {
        return switch (kind) {
            case 'f' -> size == 4 || size == 8;
            case 'i' -> size == 1 || size == 2 || size == 4 || size == 8;
            case 'u' -> size == 1;
            default -> false;
        };
    }

    private static double value(ByteBuffer data, char kind, int size) {
        if (kind == 'f') {
            return size == 4 ? data.getFloat() : data.getDouble();
        }
        if (kind == 'u') {
            return data.get() & 0xff;
        }
        return switch (size) {
            case 1 -> data.get();
            case 2 -> data.getShort();
            case 4 -> data.getInt();
            default -> data.getLong();
        };
    }

    private static long[] parseShape(Path file, String text) throws NpyFormatException {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                long d = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                if (d < 0) {
                    throw new NumberFormatException();
                }
                dims.add(d);
            } catch (NumberFormatException e) {
                throw bad(file, "its shape '(" + text + ")' is not a tuple of sizes");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static NpyFormatException bad(Path file, String why) {
        return new NpyFormatException(
                "Cannot read " + file + " as a NumPy .npy array: " + why + ".");
    }
}

package org.metaforge.sdk.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixtures were written by NumPy 2.4 ({@code np.save}); the expected values are NumPy's. */
class NpyTest {

    @TempDir Path tmp;

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource(name).toURI());
    }

    @Test
    void readsNumpyFloat64InCOrder() throws Exception {
        NpyArray a = Npy.read(fixture("f8-2x3x2.npy"));
        assertArrayEquals(new long[] {2, 3, 2}, a.shape());
        // np.arange(12).reshape(2, 3, 2) * 0.5 - 1.25
        double[] expected = new double[12];
        for (int i = 0; i < 12; i++) {
            expected[i] = i * 0.5 - 1.25;
        }
        assertArrayEquals(expected, a.data(), 0.0);
        assertEquals("(2, 3, 2)", a.shapeText());
    }

    @Test
    void readsOtherTypesByteOrdersAndVersions() throws Exception {
        assertArrayEquals(
                new double[] {1.5, -2.25, 3.0}, Npy.read(fixture("f4-big-endian-3.npy")).data());
        assertArrayEquals(new double[] {1, -2, 3, -4}, Npy.read(fixture("i8-2x2.npy")).data());
        assertArrayEquals(new double[] {0, 7, 200, 255}, Npy.read(fixture("u1-4.npy")).data());
        assertArrayEquals(new double[] {4, 5}, Npy.read(fixture("v2-f8-2.npy")).data());
        NpyArray scalar = Npy.read(fixture("scalar.npy"));
        assertEquals(0, scalar.shape().length);
        assertArrayEquals(new double[] {2.5}, scalar.data());
    }

    @Test
    void writesWhatItReadsBack() throws IOException {
        NpyArray a = new NpyArray(new long[] {3, 2}, new double[] {1, 2, 3, 4, 5, -6.5});
        Path f = tmp.resolve("a.npy");
        Npy.write(f, a);
        assertEquals(a, Npy.read(f));
        // Header padded so the data start at a multiple of 64 bytes, as NumPy requires.
        assertEquals(0, (Files.size(f) - 8 * 6) % 64);
        assertEquals(1, Arrays.stream(tmp.toFile().list()).count());
    }

    @Test
    void refusesWhatItCannotReadWithAReason() throws Exception {
        NpyFormatException fortran =
                assertThrows(NpyFormatException.class, () -> Npy.read(fixture("fortran-2x2.npy")));
        assertTrue(fortran.getMessage().contains("Fortran order"), fortran.getMessage());
        NpyFormatException complex =
                assertThrows(NpyFormatException.class, () -> Npy.read(fixture("c16-1.npy")));
        assertTrue(complex.getMessage().contains("'<c16' is not supported"), complex.getMessage());
        Path text = tmp.resolve("pred.npy");
        Files.writeString(text, "1 2 3\n");
        NpyFormatException magic = assertThrows(NpyFormatException.class, () -> Npy.read(text));
        assertTrue(magic.getMessage().contains("magic"), magic.getMessage());
        Path cut = tmp.resolve("cut.npy");
        byte[] whole = Files.readAllBytes(fixture("f8-2x3x2.npy"));
        Files.write(cut, Arrays.copyOf(whole, whole.length - 8));
        NpyFormatException truncated = assertThrows(NpyFormatException.class, () -> Npy.read(cut));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    }
}

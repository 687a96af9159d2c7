package org.metaforge.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metaforge.sdk.data.Npy;
import org.metaforge.sdk.data.NpyArray;

class EvalCommandTest {

    @TempDir Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int eval(String... args) {
        return new MetaforgeCli(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .execute(args);
    }

    private double figure(String name) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s+([0-9.]+)")
                        .matcher(out.toString(StandardCharsets.UTF_8));
        assertTrue(m.find(), name + " in " + out);
        return Double.parseDouble(m.group(1));
    }

    private Path npy(String name, long[] shape, double... values) throws IOException {
        Path f = tmp.resolve(name);
        Npy.write(f, new NpyArray(shape, values));
        return f;
    }

    @Test
    void equalsHandComputedNmeAndNmfOnTwoFramesOfThreeLandmarks() throws IOException {
        // Ground truth: a triangle (0,0) (10,0) (5,5), then the same moved by (1,1).
        Path gt = npy("gt.npy", new long[] {2, 3, 2}, 0, 0, 10, 0, 5, 5, 1, 1, 11, 1, 6, 6);
        // Frame 0 misses landmark 2 by 1 pixel in x; frame 1 is exact.
        Path pred = npy("pred.npy", new long[] {2, 3, 2}, 0, 0, 10, 0, 6, 5, 1, 1, 11, 1, 6, 6);
        int code =
                eval(
                        "eval",
                        "landmarks",
                        "--pred",
                        pred.toString(),
                        "--gt",
                        gt.toString(),
                        "--norm",
                        "0,1");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        // NME, normalised by |gt0 - gt1| = 10: frame 0 (0 + 0 + 1) / 3 / 10 = 1/30, frame 1 0;
        // mean over frames x 100 = 5/3 percent.
        assertEquals(100.0 / 60, figure("NME"), 1e-4);
        assertEquals(0.0, figure("FR@0.1"), 0.0);
        // NMF: the error of landmark 2 changes by 1 pixel between the frames; the face scale of
        // frame 1 is sqrt(10 * 5 / 256^2); the jump is 100 / scale; RMS over 3 landmarks (two
        // zero) is jump / sqrt(3); one frame pair.
        double jump = 100 / Math.sqrt(10 * 5 / (256.0 * 256.0));
        assertEquals(jump / Math.sqrt(3), figure("NMF"), 1e-3);
        // CED is 1/2 on [0, 1/30) and 1 from there to 0.1: AUC = (0.5/30 + (0.1 - 1/30)) / 0.1.
        assertEquals((0.5 / 30 + (0.1 - 1.0 / 30)) / 0.1, figure("AUC@0.1"), 2e-3);
    }

    @Test
    void aSharedOffsetIsErrorButNotFlicker() throws IOException {
        double[] g = {0, 0, 10, 0, 5, 5, 1, 1, 11, 1, 6, 6};
        double[] p = g.clone();
        for (int i = 0; i < p.length; i += 2) {
            p[i] += 2;
        }
        Path gt = npy("gt.npy", new long[] {2, 3, 2}, g);
        Path pred = npy("pred.npy", new long[] {2, 3, 2}, p);
        assertEquals(
                0,
                eval(
                        "eval",
                        "landmarks",
                        "--pred",
                        pred.toString(),
                        "--gt",
                        gt.toString(),
                        "--norm",
                        "0,1"));
        // Every landmark is 2 pixels off, the inter-ocular distance is 10: 20 percent.
        assertEquals(20.0, figure("NME"), 1e-9);
        assertEquals(100.0, figure("FR@0.1"), 0.0);
        assertEquals(0.0, figure("NMF"), 1e-9);
    }

    @Test
    void badFilesAreOneParagraphErrorsWithExitTwo() throws IOException {
        Path gt = npy("gt.npy", new long[] {2, 3, 2}, new double[12]);
        Path wrong = npy("wrong.npy", new long[] {2, 4, 2}, new double[16]);
        assertEquals(
                2,
                eval(
                        "eval",
                        "landmarks",
                        "--pred",
                        wrong.toString(),
                        "--gt",
                        gt.toString(),
                        "--norm",
                        "0,1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("must match"), err.toString());
        err.reset();
        assertEquals(2, eval("eval", "landmarks", "--pred", gt.toString(), "--gt", gt.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--norm A,B"), err.toString());
        err.reset();
        Path text = tmp.resolve("t.npy");
        Files.writeString(text, "0 0 1 1");
        assertEquals(
                2, eval("eval", "landmarks", "--pred", text.toString(), "--gt", gt.toString()));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("magic"), e);
        assertFalse(e.contains("\tat "), e);
        err.reset();
        assertEquals(2, eval("eval", "faces", "--pred", gt.toString(), "--gt", gt.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'landmarks'"), err.toString());
    }
}

package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quickstart, run through the real distribution. */
class QuickstartIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void quickstartReachesEightyPercentThenAnswersFromTheStoreWithIdenticalNumbers(
            @TempDir Path dir) throws Exception {
        String spec = Cli.repo().resolve("experiments/specs/quickstart.yaml").toString();
        String store = dir.resolve("store.db").toString();

        Cli.Result first =
                Cli.run(dir, "run", spec, "--store", store, "--out", "first", "--threads", "1");
        assertEquals(0, first.exit(), first.all());
        JsonNode r1 = JSON.readTree(dir.resolve("first/result.json").toFile());
        double acc = r1.path("metrics").path("test_accuracy").asDouble();
        assertTrue(acc >= 0.80, "quickstart test accuracy " + acc + " is below 0.80");
        assertTrue(first.out().contains("test_accuracy"), first.out());
        assertTrue(Files.size(dir.resolve("first/report.html")) > 10_000);
        assertTrue(Files.exists(dir.resolve("first/accuracy.png")));
        assertTrue(Files.exists(dir.resolve("first/loss.png")));

        Cli.Result second =
                Cli.run(dir, "run", spec, "--store", store, "--out", "second", "--threads", "1");
        assertEquals(0, second.exit(), second.all());
        assertTrue(second.out().contains("cached: answered from the store"), second.out());
        JsonNode r2 = JSON.readTree(dir.resolve("second/result.json").toFile());
        assertEquals(r1.path("metrics"), r2.path("metrics"));
        assertEquals(r1.path("key"), r2.path("key"));

        // Same spec and seed, computed again: bit-identical metrics (JSON keeps every bit of a
        // double).
        Cli.Result third =
                Cli.run(
                        dir,
                        "run",
                        spec,
                        "--store",
                        store,
                        "--out",
                        "third",
                        "--threads",
                        "1",
                        "--no-cache");
        assertEquals(0, third.exit(), third.all());
        assertTrue(third.out().contains("computed in"), third.out());
        JsonNode r3 = JSON.readTree(dir.resolve("third/result.json").toFile());
        assertEquals(r1.path("metrics"), r3.path("metrics"));

        // compare: seed 1 comes from the store, seed 2 is computed; one row, mean ± std.
        Cli.Result table =
                Cli.run(
                        dir,
                        "compare",
                        spec,
                        "--seeds",
                        "1,2",
                        "--store",
                        store,
                        "--threads",
                        "1",
                        "--out",
                        "table.md");
        assertEquals(0, table.exit(), table.all());
        assertTrue(table.err().contains("quickstart seed 1: test_accuracy"), table.err());
        assertTrue(table.err().contains("(from the store,"), table.err());
        assertTrue(table.err().contains("(computed,"), table.err());
        String row =
                table.out()
                        .lines()
                        .filter(l -> l.startsWith("| quickstart | baselines/sgd |"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(table.out()));
        assertTrue(row.contains(" ± "), row);
        assertTrue(
                row.contains(
                        String.format(
                                java.util.Locale.ROOT,
                                "| %.4f, ",
                                r1.path("metrics").path("test_accuracy").asDouble())),
                row);
        assertEquals(table.out(), Files.readString(dir.resolve("table.md")));

        // --plot names a plot no run has: the table is printed, then a clear error (exit 2).
        Cli.Result noPlot =
                Cli.run(
                        dir,
                        "compare",
                        spec,
                        "--seeds",
                        "1,2",
                        "--store",
                        store,
                        "--threads",
                        "1",
                        "--plot",
                        "best-vs-epochs");
        assertEquals(2, noPlot.exit(), noPlot.all());
        assertEquals(table.out(), noPlot.out());
        assertTrue(noPlot.err().contains("No run has a plot 'best-vs-epochs'"), noPlot.err());
        assertTrue(noPlot.err().contains("quickstart (seed 1) ["), noPlot.err());
        assertTrue(!noPlot.err().contains("Exception"), noPlot.err());
    }
}

package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metaforge compare --paired-with}: two few-shot methods on the same test episodes, compared
 * episode by episode, checked against the per-episode accuracies in their result.json files.
 */
class PairedCompareIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String EPISODES =
            """
            dataset: fashion-mnist-subset
            seed: 3
            config:
              ways: 5
              shots: %d
              queries: 5
              test-episodes: 30
              train-classes: [0, 1, 2, 3, 4]
              test-classes: [5, 6, 7, 8, 9]
              validation-fraction: 0.1
              channels: 8
            """;

    @Test
    void theDifferenceFromTheFloorIsTheMeanOfThePerEpisodeDifferences(@TempDir Path dir)
            throws Exception {
        Path floor = write(dir, "floor", "baselines/support-only", 1, "  steps: 5\n");
        Path proto =
                write(
                        dir,
                        "proto",
                        "baselines/protonet",
                        1,
                        "  train-episodes: 4\n  validation-episodes: 2\n  eval-every: 4\n");
        String store = dir.resolve("store.db").toString();
        for (Path spec : new Path[] {floor, proto}) {
            String name = spec.getFileName().toString().replace(".yaml", "");
            Cli.Result r =
                    Cli.run(
                            dir,
                            "run",
                            spec.toString(),
                            "--store",
                            store,
                            "--out",
                            name,
                            "--threads",
                            "1");
            assertEquals(0, r.exit(), r.all());
        }
        double[] f = episodes(dir.resolve("floor/result.json"));
        double[] p = episodes(dir.resolve("proto/result.json"));
        assertEquals(30, f.length);
        double sum = 0;
        for (int i = 0; i < f.length; i++) {
            sum += p[i] - f[i];
        }
        String expected = String.format(Locale.ROOT, "| %+.4f ± ", sum / f.length);

        Cli.Result c =
                Cli.run(
                        dir,
                        "compare",
                        proto.toString(),
                        floor.toString(),
                        "--paired-with",
                        "floor",
                        "--store",
                        store,
                        "--threads",
                        "1");
        assertEquals(0, c.exit(), c.all());
        String row =
                c.out()
                        .lines()
                        .filter(l -> l.startsWith("| proto | 3 |"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(c.out()));
        assertTrue(row.contains(expected), row + " should hold " + expected);
        assertTrue(c.out().contains("difference from floor (paired"), c.out());
        assertTrue(c.err().contains("(from the store,"), c.err());

        // Another episode shape is refused before anything runs, naming the field.
        Path fiveShot = write(dir, "five", "baselines/support-only", 5, "  steps: 5\n");
        Cli.Result bad =
                Cli.run(
                        dir,
                        "compare",
                        fiveShot.toString(),
                        floor.toString(),
                        "--paired-with",
                        floor.toString(),
                        "--store",
                        store,
                        "--threads",
                        "1");
        assertEquals(2, bad.exit(), bad.all());
        assertTrue(bad.err().contains("shots 5 against 1"), bad.err());
        assertFalse(bad.err().contains("compare: five"), "nothing may run: " + bad.err());
        assertFalse(bad.err().contains("Exception"), bad.err());
    }

    private static Path write(Path dir, String name, String component, int shots, String extra)
            throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(
                file,
                "name: "
                        + name
                        + "\ncomponent: "
                        + component
                        + "\n"
                        + String.format(Locale.ROOT, EPISODES, shots)
                        + extra);
        return file;
    }

    private static double[] episodes(Path resultJson) throws Exception {
        JsonNode list =
                JSON.readTree(resultJson.toFile())
                        .path("artifacts")
                        .path("test_episode_accuracies");
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i).asDouble();
        }
        return out;
    }
}

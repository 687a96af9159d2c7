package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A random search killed with SIGKILL resumes from its stored trials and ends as if never killed.
 */
class RandomSearchResumeIT {

    private static final String SPEC =
            "component: baselines/random-search\n"
                    + "dataset: fashion-mnist-subset\n"
                    + "seed: 11\n"
                    + "config:\n"
                    + "  trials: 6\n"
                    + "  learner-config:\n"
                    + "    model: mlp\n"
                    + "    hidden: [32]\n"
                    + "    epochs: 1\n"
                    + "    batch-size: 256\n";

    @Test
    void killedSearchResumesFromTheStoreAndEndsWithTheUninterruptedResult(@TempDir Path dir)
            throws Exception {
        Cli.spec(dir, "rs.yaml", SPEC);
        Cli.Result clean =
                Cli.run(
                        dir,
                        "run",
                        "rs.yaml",
                        "--store",
                        dir.resolve("a.db").toString(),
                        "--out",
                        "a",
                        "--threads",
                        "1");
        assertEquals(0, clean.exit(), clean.all());

        String storeB = dir.resolve("b.db").toString();
        Cli.killAfter(
                dir,
                "trial ",
                2,
                "run",
                "rs.yaml",
                "--store",
                storeB,
                "--out",
                "b",
                "--threads",
                "1");

        Cli.Result resumed =
                Cli.run(dir, "run", "rs.yaml", "--store", storeB, "--out", "b", "--threads", "1");
        assertEquals(0, resumed.exit(), resumed.all());
        assertTrue(
                resumed.err().contains("trial 1/6") && resumed.err().contains("(from store)"),
                resumed.err());
        long fromStore =
                resumed.err()
                        .lines()
                        .filter(l -> l.startsWith("trial ") && l.endsWith("(from store)"))
                        .count();
        assertTrue(
                fromStore >= 2,
                "at least the two finished trials come from the store:\n" + resumed.err());

        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(dir.resolve("a/result.json").toFile());
        JsonNode b = json.readTree(dir.resolve("b/result.json").toFile());
        assertEquals(a.path("metrics"), b.path("metrics"));
        assertEquals(
                a.path("artifacts").path("best_config"), b.path("artifacts").path("best_config"));
        assertEquals(a.path("artifacts").path("trials"), b.path("artifacts").path("trials"));
    }
}

package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fds/forward-hpo killed with SIGKILL resumes at its last outer step and learns the same schedule.
 */
class FdsResumeIT {

    private static final String SPEC =
            "component: fds/forward-hpo\n"
                    + "dataset: fashion-mnist-subset\n"
                    + "seed: 5\n"
                    + "config:\n"
                    + "  model: mlp\n"
                    + "  hidden: [32]\n"
                    + "  lr-blocks: 3\n"
                    + "  inner-epochs: [1, 1, 1, 1, 1]\n"
                    + "  batch-size: 512\n"
                    + "  retrain-epochs: 0\n";

    @Test
    void killedRunResumesAtItsLastOuterStepWithAnIdenticalSchedule(@TempDir Path dir)
            throws Exception {
        Cli.spec(dir, "f.yaml", SPEC);
        Cli.Result clean =
                Cli.run(
                        dir,
                        "run",
                        "f.yaml",
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
                "outer step ",
                2,
                "run",
                "f.yaml",
                "--store",
                storeB,
                "--out",
                "b",
                "--threads",
                "1");

        Cli.Result resumed =
                Cli.run(dir, "run", "f.yaml", "--store", storeB, "--out", "b", "--threads", "1");
        assertEquals(0, resumed.exit(), resumed.all());
        assertTrue(
                resumed.err().contains("Resuming fds/forward-hpo after outer step"), resumed.err());

        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(dir.resolve("a/result.json").toFile());
        JsonNode b = json.readTree(dir.resolve("b/result.json").toFile());
        assertEquals(
                a.path("artifacts").path("learned_schedule"),
                b.path("artifacts").path("learned_schedule"));
        assertEquals(
                a.path("artifacts").path("outer_steps"), b.path("artifacts").path("outer_steps"));
        assertEquals(a.path("metrics"), b.path("metrics"));
    }
}

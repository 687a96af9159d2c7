package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        Process p =
                Cli.start(
                        dir,
                        Map.of(),
                        "run",
                        "f.yaml",
                        "--store",
                        storeB,
                        "--out",
                        "b",
                        "--threads",
                        "1");
        p.getOutputStream().close();
        CountDownLatch twoOuterSteps = new CountDownLatch(2);
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    p.getErrorStream(), StandardCharsets.UTF_8))) {
                                for (String line = r.readLine();
                                        line != null;
                                        line = r.readLine()) {
                                    if (line.startsWith("outer step ")) {
                                        twoOuterSteps.countDown();
                                    }
                                }
                            } catch (java.io.IOException e) {
                                // killed
                            }
                        });
        reader.start();
        assertTrue(
                twoOuterSteps.await(5, TimeUnit.MINUTES),
                "two outer steps finished before the kill");
        p.destroyForcibly();
        p.waitFor();
        reader.join();

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

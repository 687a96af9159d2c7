package org.metaforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metaforge.framework.run.ResultCodec;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.store.CacheKey;
import org.metaforge.store.ResultStore;
import org.metaforge.store.RunEntry;

/**
 * A random search through the Spark executor on a {@code local[2]} master gives the records and
 * artefacts of the same search in one process; all of Spark comes from the module's Maven jars.
 *
 * <p>The Spark run adds the trials' data to the job ({@code spark.metaforge.data.shared=false}), as
 * on a cluster, so the executors read it through {@code SparkFiles}; one trial's worker process is
 * killed with SIGKILL, so its task fails and Spark runs it again ({@code --retries 1}, the
 * default). Records are compared whole, except the provenance fields {@code started} and {@code
 * wall_seconds}.
 */
class SparkExecutorIT {

    private static final String SPEC = "experiments/specs/random-search-quickstart.yaml";

    /** A short version of the quickstart search: 2 trials of 1 epoch of a small MLP. */
    private static final String[] SHORT = {
        "--set",
        "trials=2",
        "--set",
        "learner-config={model: mlp, hidden: [32], epochs: 1, batch-size: 256}",
        "--threads",
        "1"
    };

    @TempDir Path dir;

    @Test
    void sparkRecordsEqualInProcessRecords() throws Exception {
        Result one = run(baseDist().resolve("bin/metaforge"), "one", List.of(), false);
        assertEquals(0, one.exit(), one.all());
        Result spark =
                run(
                        dist().resolve("bin/metaforge-spark"),
                        "spark",
                        List.of(
                                "--executor",
                                "spark",
                                "--spark-master",
                                "local[2]",
                                "--spark-conf",
                                "spark.metaforge.data.shared=false"),
                        true);
        assertEquals(0, spark.exit(), spark.all());
        assertTrue(
                spark.err()
                        .lines()
                        .anyMatch(
                                l ->
                                        l.contains("Lost task")
                                                && l.matches(
                                                        ".*The worker of baselines/sgd trial [12]"
                                                                + " \\(key [0-9a-f]{12}\\) was"
                                                                + " killed by signal 9.*")),
                "the killed worker's task failed and ran again: " + spark.err());
        assertTrue(
                spark.err().contains("Spark: master local[2,2]")
                        && spark.err().contains("data files are added to each job"),
                spark.err());

        Map<String, RunRecord> expected = records("one");
        Map<String, RunRecord> actual = records("spark");
        assertEquals(4, expected.size(), "the search, 2 trials, the retraining: " + expected);
        assertEquals(expected.keySet(), actual.keySet(), "the same cache keys");
        ObjectMapper json = new ObjectMapper();
        for (String key : expected.keySet()) {
            assertEquals(
                    withoutTiming(json.valueToTree(expected.get(key))),
                    withoutTiming(json.valueToTree(actual.get(key))),
                    "record " + key);
        }
        Map<String, String> models = artefactDigests("one");
        assertTrue(models.size() >= 3, "the model of each trial and of the retraining: " + models);
        assertEquals(models, artefactDigests("spark"), "artefacts, byte for byte");
    }

    private static JsonNode withoutTiming(JsonNode record) {
        ObjectNode copy = record.deepCopy();
        ObjectNode provenance = (ObjectNode) copy.path("provenance");
        for (String f : List.of("started", "wall_seconds")) {
            assertNotNull(provenance.remove(f), "provenance has " + f);
        }
        copy.remove("cached");
        return copy;
    }

    private Map<String, RunRecord> records(String name) throws Exception {
        Map<String, RunRecord> out = new LinkedHashMap<>();
        try (ResultStore s = open(name)) {
            for (RunEntry e : s.listResults()) {
                out.put(e.keyHex(), ResultCodec.decode(s.getResult(e.keyHex()).orElseThrow()));
            }
        }
        return out;
    }

    /** The SHA-256 of every artefact in a store, by {@code <key hex>/<name>}. */
    private Map<String, String> artefactDigests(String name) throws Exception {
        Map<String, String> digests = new TreeMap<>();
        try (ResultStore s = open(name)) {
            for (RunEntry e : s.listResults()) {
                CacheKey k = CacheKey.parse(e.keyJson());
                for (String artefact : s.artifactNames(k)) {
                    byte[] bytes = s.getArtifact(k, artefact).orElseThrow();
                    digests.put(
                            e.keyHex() + "/" + artefact,
                            HexFormat.of()
                                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
                }
            }
        }
        return digests;
    }

    private ResultStore open(String name) throws Exception {
        return ResultStore.open(dir.resolve(name + ".db"), Duration.ofSeconds(5));
    }

    /** What one command did. */
    private record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /**
     * Runs the short search with {@code launcher} into store and output {@code name}.
     *
     * @param killAWorker kill the first trial worker process with SIGKILL once it runs
     */
    private Result run(Path launcher, String name, List<String> extra, boolean killAWorker)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.add("run");
        cmd.add(repo().resolve(SPEC).toString());
        cmd.addAll(List.of(SHORT));
        cmd.addAll(List.of("--store", dir.resolve(name + ".db").toString()));
        cmd.addAll(List.of("--out", dir.resolve(name).toString()));
        cmd.addAll(extra);
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb =
                new ProcessBuilder(cmd)
                        .directory(dir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
        pb.environment().put("HOME", dir.toString());
        pb.environment().remove("METAFORGE_STORE");
        pb.environment().remove("METAFORGE_DATA");
        Process p = pb.start();
        for (int i = 0; killAWorker && i < 2400 && p.isAlive(); i++) {
            var worker = p.descendants().filter(SparkExecutorIT::isWorker).findFirst();
            if (worker.isPresent()) {
                worker.get().destroyForcibly();
                killAWorker = false;
            }
            Thread.sleep(50);
        }
        assertTrue(!killAWorker, "a worker was found and killed");
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Whether a process runs {@code metaforge trial --channel} (its full command line). */
    private static boolean isWorker(ProcessHandle h) {
        try {
            String cmdline = Files.readString(Path.of("/proc", h.pid() + "", "cmdline"));
            return Arrays.asList(cmdline.split("\u0000")).contains("--channel");
        } catch (IOException e) {
            return false; // it ended
        }
    }

    private static Path dist() {
        return Path.of(System.getProperty("metaforge.dist"));
    }

    private static Path baseDist() {
        return Path.of(System.getProperty("metaforge.base.dist"));
    }

    private static Path repo() {
        return Path.of(System.getProperty("metaforge.repo", "..")).toAbsolutePath().normalize();
    }
}

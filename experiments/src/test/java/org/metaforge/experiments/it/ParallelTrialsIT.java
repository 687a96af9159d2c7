package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.metaforge.framework.data.Dataset;
import org.metaforge.framework.data.DatasetCatalog;
import org.metaforge.framework.run.ResultCodec;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.store.CacheKey;
import org.metaforge.store.Envelope;
import org.metaforge.store.ResultStore;
import org.metaforge.store.RunEntry;

/**
 * Trials in worker processes ({@code --workers}) give the records of a run in one process, survive
 * a crashed worker, and a parent killed with SIGKILL leaves no worker behind and resumes.
 *
 * <p>Records are compared whole, except the provenance fields {@code started} and {@code
 * wall_seconds} (when and how long), the only ones that differ between runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParallelTrialsIT {

    /** Provenance fields that may differ between two computations of one record. */
    static final List<String> TIMING_FIELDS = List.of("started", "wall_seconds");

    private static final String SPEC =
            "component: baselines/random-search\n"
                    + "dataset: fashion-mnist-subset\n"
                    + "seed: 5\n"
                    + "config:\n"
                    + "  trials: 4\n"
                    + "  learner-config:\n"
                    + "    model: mlp\n"
                    + "    hidden: [32]\n"
                    + "    epochs: 3\n"
                    + "    batch-size: 256\n";

    @TempDir static Path dir;
    private Map<String, RunRecord> inProcess;
    private JsonNode inProcessResult;

    @BeforeAll
    void runInOneProcess() throws Exception {
        Cli.spec(dir, "rs.yaml", SPEC);
        Cli.Result r =
                Cli.run(
                        dir,
                        "run",
                        "rs.yaml",
                        "--store",
                        store("one"),
                        "--out",
                        "one",
                        "--threads",
                        "1");
        assertEquals(0, r.exit(), r.all());
        inProcess = records(store("one"));
        inProcessResult = resultJson("one");
        assertEquals(
                6,
                inProcess.size(),
                "the search, 4 trials and the retraining: " + inProcess.keySet());
    }

    private String store(String name) {
        return dir.resolve(name + ".db").toString();
    }

    private String[] parallel(String name) {
        return new String[] {
            "run",
            "rs.yaml",
            "--store",
            store(name),
            "--out",
            name,
            "--workers",
            "2",
            "--worker-threads",
            "1"
        };
    }

    /**
     * One worker is killed with SIGKILL as soon as it starts: it is named, its trial runs again,
     * and every record (search, trials, retraining) and binary artefact equals the in-process
     * run's.
     */
    @Test
    void workerRecordsEqualInProcessRecordsEvenWhenAWorkerIsKilled() throws Exception {
        Process p = Cli.start(dir, Map.of(), parallel("two"));
        p.getOutputStream().close();
        StringBuilder err = new StringBuilder();
        Thread reader = reader(p, err, null, null);
        // Workers start with the parent and wait for trials; killed while idle, a worker is
        // replaced without a retry, and killed after its trials it costs nothing. So both workers
        // are frozen (SIGSTOP) as soon as they exist; once the search has handed out its batch
        // (the parent writes the trials' data, then sends each worker a trial, which waits in the
        // frozen worker's pipe) one is killed and the other thawed. Fixed delays without the
        // freeze failed both ways: too short on a loaded machine, too long on a fast one.
        List<ProcessHandle> frozen = new ArrayList<>();
        for (int i = 0; i < 6000 && frozen.size() < 2; i++) {
            for (ProcessHandle w : workers(p)) {
                if (!frozen.contains(w)) {
                    signal("STOP", w);
                    frozen.add(w);
                }
            }
            Thread.sleep(10);
        }
        assertEquals(2, frozen.size(), "two workers started; stderr: " + err);
        for (int i = 0; i < 6000 && !busy(err, "random search: 0/4 trial"); i++) {
            Thread.sleep(10);
        }
        Thread.sleep(5000);
        frozen.get(0).destroyForcibly();
        signal("CONT", frozen.get(1));
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        reader.join();
        assertEquals(0, p.exitValue(), err.toString());
        String crashLine =
                err.toString()
                        .lines()
                        .filter(l -> l.contains("was killed by signal 9"))
                        .findFirst()
                        .orElse("");
        assertTrue(
                crashLine.matches(
                        "The worker of baselines/sgd trial [1-4] \\(key [0-9a-f]{12}\\) was killed"
                                + " by signal 9 .*; starting it again \\(attempt 2 of 2\\)\\."),
                err.toString());
        Map<String, RunRecord> two = records(store("two"));
        assertEquals(inProcess.keySet(), two.keySet(), "the same cache keys");
        for (String key : inProcess.keySet()) {
            assertSameRecord(inProcess.get(key), two.get(key));
        }
        // binary artefacts (each trial's model) are equal byte for byte
        try (ResultStore a = ResultStore.open(Path.of(store("one")), Duration.ofSeconds(5));
                ResultStore b = ResultStore.open(Path.of(store("two")), Duration.ofSeconds(5))) {
            int compared = 0;
            for (RunEntry e : a.listResults()) {
                CacheKey k = CacheKey.parse(e.keyJson());
                assertEquals(a.artifactNames(k), b.artifactNames(k));
                for (String name : a.artifactNames(k)) {
                    assertArrayEquals(
                            a.getArtifact(k, name).orElseThrow(),
                            b.getArtifact(k, name).orElseThrow(),
                            name + " of " + e.keyHex());
                    compared++;
                }
            }
            assertEquals(5, compared, "the model of each trial and of the retraining");
        }
        assertEquals(withoutTiming(inProcessResult), withoutTiming(resultJson("two")));
    }

    @Test
    void aParentKilledWithSigkillLeavesNoWorkerAndTheRerunFinishesFromTheStore() throws Exception {
        Process p = Cli.start(dir, Map.of(), parallel("killed"));
        p.getOutputStream().close();
        CountDownLatch twoTrials = new CountDownLatch(2);
        Thread reader = reader(p, new StringBuilder(), "trial ", twoTrials);
        assertTrue(twoTrials.await(5, TimeUnit.MINUTES), "two trials finished");
        List<ProcessHandle> workers = new ArrayList<>();
        for (int i = 0; i < 200 && workers.isEmpty(); i++) {
            workers.addAll(workers(p));
            Thread.sleep(25);
        }
        assertFalse(workers.isEmpty(), "workers were running");
        p.destroyForcibly();
        p.waitFor();
        reader.join();
        for (ProcessHandle w : workers) {
            assertTrue(
                    w.onExit().completeOnTimeout(w, 20, TimeUnit.SECONDS).get() != null
                            && !w.isAlive(),
                    "worker " + w.pid() + " outlived its parent");
        }
        Cli.Result rerun = Cli.run(dir, parallel("killed"));
        assertEquals(0, rerun.exit(), rerun.all());
        long fromStore =
                rerun.err()
                        .lines()
                        .filter(l -> l.startsWith("trial ") && l.endsWith("(from store)"))
                        .count();
        assertTrue(fromStore >= 2, "the finished trials come from the store:\n" + rerun.err());
        ObjectNode resumed = (ObjectNode) withoutTiming(resultJson("killed"));
        assertTrue(
                resumed.path("events").toString().contains("trials came from the store"),
                resumed.path("events").toString());
        // the resumed search says which trials the store answered; all else is as uninterrupted
        resumed.set("events", inProcessResult.path("events"));
        assertEquals(withoutTiming(inProcessResult), resumed);
    }

    /**
     * {@code metaforge trial SPEC.json} run by hand on the retraining trial of the in-process run
     * (its spec written here from the stored record, its data from the shipped subset) computes
     * that very record into a fresh store.
     */
    @Test
    void aTrialSpecRunByHandGivesTheInProcessRecord() throws Exception {
        RunRecord retrain =
                inProcess.values().stream()
                        .filter(r -> r.provenance().get("datasets").toString().contains("test="))
                        .filter(r -> r.componentId().equals("baselines/sgd"))
                        .findFirst()
                        .orElseThrow();
        Dataset data = DatasetCatalog.create().load("fashion-mnist-subset");
        Path train = dir.resolve("train.images");
        Path test = dir.resolve("test.images");
        for (var e : Map.of(train, data.train(), test, data.test()).entrySet()) {
            try (DataOutputStream out =
                    new DataOutputStream(
                            new BufferedOutputStream(Files.newOutputStream(e.getKey())))) {
                e.getValue().write(out);
            }
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("format", 1);
        spec.put("name", "the retraining");
        spec.put("component", retrain.componentId());
        spec.put("plugin_version", retrain.provenance().get("plugin_version"));
        spec.put("config", retrain.provenance().get("config"));
        spec.put("seed", retrain.provenance().get("seed"));
        spec.put("device", "cpu");
        spec.put("threads", 1);
        spec.put("no_cache", false);
        spec.put("key", retrain.key());
        spec.put(
                "task",
                Map.of(
                        "eval_name", "test",
                        "train",
                                Map.of(
                                        "fingerprint",
                                        data.train().fingerprint(),
                                        "file",
                                        train.toString()),
                        "eval",
                                Map.of(
                                        "fingerprint",
                                        data.test().fingerprint(),
                                        "file",
                                        test.toString())));
        ObjectMapper json = new ObjectMapper();
        json.writeValue(dir.resolve("trial.json").toFile(), spec);
        Cli.Result r =
                Cli.run(
                        dir,
                        "trial",
                        "trial.json",
                        "--store",
                        store("by-hand"),
                        "--result",
                        "record.json");
        assertEquals(0, r.exit(), r.all());
        RunRecord byHand =
                ResultCodec.decode(
                        Envelope.json(
                                "trial-result", 1, Files.readAllBytes(dir.resolve("record.json"))));
        assertSameRecord(retrain, byHand);
        assertSameRecord(retrain, records(store("by-hand")).get(retrain.key()));
    }

    /** Sends {@code SIGSTOP} or {@code SIGCONT} to {@code process}. */
    private static void signal(String name, ProcessHandle process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertEquals(0, kill.waitFor(), "kill -" + name + " " + process.pid());
    }

    /** The worker processes ({@code metaforge trial --channel}) of {@code p}. */
    private static List<ProcessHandle> workers(Process p) {
        return p.toHandle()
                .children()
                .filter(h -> h.info().commandLine().orElse("").contains("trial --channel"))
                .toList();
    }

    /** Whether {@code err} holds lines with each of the prefixes. */
    private static boolean busy(StringBuilder err, String... prefixes) {
        synchronized (err) {
            return java.util.Arrays.stream(prefixes)
                    .allMatch(pre -> err.indexOf("\n" + pre) >= 0 || err.indexOf(pre) == 0);
        }
    }

    private static Thread reader(
            Process p, StringBuilder into, String prefix, CountDownLatch lines) {
        Thread t =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    p.getErrorStream(), StandardCharsets.UTF_8))) {
                                for (String l = r.readLine(); l != null; l = r.readLine()) {
                                    synchronized (into) {
                                        into.append(l).append('\n');
                                    }
                                    if (prefix != null && l.startsWith(prefix)) {
                                        lines.countDown();
                                    }
                                }
                            } catch (java.io.IOException e) {
                                // the process ended
                            }
                        });
        t.start();
        return t;
    }

    /**
     * Compares two records as JSON (the form the store keeps; objects compare unordered, as the
     * iteration order of a component's {@code Map.of} changes from JVM to JVM) without the timing
     * fields.
     */
    private static void assertSameRecord(RunRecord expected, RunRecord actual) {
        assertTrue(actual != null, "missing record " + expected.key());
        ObjectMapper json = new ObjectMapper();
        assertEquals(
                withoutTiming(json.valueToTree(expected)),
                withoutTiming(json.valueToTree(actual)),
                "record " + expected.key());
    }

    private static Map<String, RunRecord> records(String store) throws Exception {
        Map<String, RunRecord> out = new LinkedHashMap<>();
        try (ResultStore s = ResultStore.open(Path.of(store), Duration.ofSeconds(5))) {
            for (RunEntry e : s.listResults()) {
                out.put(e.keyHex(), ResultCodec.decode(s.getResult(e.keyHex()).orElseThrow()));
            }
        }
        return out;
    }

    private JsonNode resultJson(String out) throws Exception {
        return new ObjectMapper()
                .readTree(Files.readString(dir.resolve(out).resolve("result.json")));
    }

    /** A record or result.json without the timing fields and whether it came from the store. */
    private static JsonNode withoutTiming(JsonNode result) {
        ObjectNode copy = result.deepCopy();
        ObjectNode provenance = (ObjectNode) copy.path("provenance");
        for (String f : TIMING_FIELDS) {
            assertTrue(provenance.remove(f) != null, "provenance has " + f);
        }
        copy.remove("cached");
        return copy;
    }
}

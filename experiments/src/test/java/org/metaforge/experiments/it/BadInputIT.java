package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/** Bad input gets exit code 2, one clear paragraph, no stack trace and no write to the store. */
class BadInputIT {

    private static void assertRejected(Cli.Result r, Path store, String... mustContain) {
        assertEquals(2, r.exit(), r.all());
        for (String s : mustContain) {
            assertTrue(r.err().contains(s), "expected '" + s + "' in:\n" + r.err());
        }
        assertFalse(r.all().contains("\tat "), "no stack trace expected:\n" + r.all());
        assertFalse(r.all().contains("Exception"), "no exception names expected:\n" + r.all());
        if (store != null) {
            assertFalse(Files.exists(store), "bad input must not create or touch the store");
        }
    }

    @Test
    void missingSpecFileIsNamed(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("s.db");
        Cli.Result r = Cli.run(dir, "run", "nope.yaml", "--store", store.toString());
        assertRejected(r, store, "nope.yaml does not exist");
    }

    @Test
    void yamlSyntaxErrorNamesTheLine(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("s.db");
        Cli.spec(dir, "bad.yaml", "component: baselines/sgd\nconfig:\n  epochs: [1,\n  lr: 0.1\n");
        Cli.Result r = Cli.run(dir, "run", "bad.yaml", "--store", store.toString());
        assertRejected(r, store, "bad.yaml is not valid YAML", "line");
    }

    @Test
    void unknownComponentListsTheAvailableOnes(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("s.db");
        Cli.spec(dir, "s.yaml", "component: baselines/sgdx\n");
        Cli.Result r = Cli.run(dir, "run", "s.yaml", "--store", store.toString());
        assertRejected(
                r,
                store,
                "Unknown component 'baselines/sgdx'",
                "baselines/sgd",
                "baselines/random-search");
    }

    @Test
    void outOfRangeAndUnknownConfigValuesAreAllReportedWithTheAcceptedRange(@TempDir Path dir)
            throws Exception {
        Path store = dir.resolve("s.db");
        Cli.spec(dir, "s.yaml", Cli.tinySgd("  momentum: [1.5]\n  epochz: 3\n  model: resnet\n"));
        Cli.Result r = Cli.run(dir, "run", "s.yaml", "--store", store.toString());
        assertRejected(
                r,
                store,
                "'momentum': 1.5 is out of range; accepted: [0, 0.999]",
                "'epochz': unknown key",
                "'model': 'resnet' is not one of mlp, lenet",
                "s.yaml");
    }

    @Test
    void missingDatasetSaysWhereItLookedAndHowToProvideIt(@TempDir Path dir) throws Exception {
        // Fashion-MNIST itself is installed on CI, so a dataset that is nowhere stands in for it;
        // DatasetCatalogTest checks the Fashion-MNIST message with its install hint.
        Path store = dir.resolve("s.db");
        Cli.spec(dir, "s.yaml", "component: baselines/sgd\ndataset: kmnist\n");
        Cli.Result r =
                Cli.run(
                        dir,
                        Map.of("METAFORGE_DATA", dir.resolve("data").toString()),
                        "run",
                        "s.yaml",
                        "--store",
                        store.toString(),
                        "--data",
                        dir.resolve("empty").toString());
        assertRejected(
                r,
                store,
                "Dataset 'kmnist' not found in",
                dir.resolve("empty").toString(),
                "$METAFORGE_DATA",
                "--data DIR");
    }

    @Test
    void truncatedIdxFileIsNamed(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("s.db");
        Path data = dir.resolve("broken");
        Files.createDirectories(data);
        // A header promising 100 images of 28x28 followed by only 10 bytes of pixels.
        writeIdx(data.resolve("train-images-idx3-ubyte.gz"), new int[] {0x803, 100, 28, 28}, 10);
        writeIdx(data.resolve("train-labels-idx1-ubyte.gz"), new int[] {0x801, 100}, 100);
        writeIdx(data.resolve("t10k-images-idx3-ubyte.gz"), new int[] {0x803, 10, 28, 28}, 7840);
        writeIdx(data.resolve("t10k-labels-idx1-ubyte.gz"), new int[] {0x801, 10}, 10);
        Cli.spec(dir, "s.yaml", Cli.tinySgd("").replace("fashion-mnist-subset", "broken"));
        Cli.Result r =
                Cli.run(
                        dir,
                        "run",
                        "s.yaml",
                        "--store",
                        store.toString(),
                        "--data",
                        data.toString());
        assertRejected(r, store, "train-images-idx3-ubyte.gz", "truncated");
    }

    private static void writeIdx(Path p, int[] header, int payload) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            for (int h : header) {
                o.write(
                        new byte[] {
                            (byte) (h >>> 24), (byte) (h >>> 16), (byte) (h >>> 8), (byte) h
                        });
            }
            o.write(new byte[payload]);
        }
    }

    @Test
    void pluginJarWithoutDescriptorIsReportedByName(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins);
        try (JarOutputStream j =
                new JarOutputStream(
                        Files.newOutputStream(plugins.resolve("nameless.jar")), new Manifest())) {
            j.putNextEntry(new java.util.jar.JarEntry("x/Y.class"));
            j.write(new byte[] {1, 2, 3});
        }
        Cli.Result r = Cli.run(dir, "list", "--plugins", plugins.toString());
        assertRejected(r, null);
        assertTrue(
                r.out().contains("nameless.jar") && r.out().contains("no plugin descriptor"),
                r.out());
    }

    @Test
    void storeHeldByAnotherProcessIsWaitedForThenRefusedNamingTheHolder(@TempDir Path dir)
            throws Exception {
        Path store = dir.resolve("s.db");
        Cli.spec(dir, "slow.yaml", Cli.tinySgd("").replace("epochs: 1", "epochs: 200"));
        Process holder =
                Cli.start(
                        dir,
                        Map.of(),
                        "run",
                        "slow.yaml",
                        "--store",
                        store.toString(),
                        "--threads",
                        "1");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(dir.resolve("s.db.owner")) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(Files.exists(dir.resolve("s.db.owner")), "the holder opened the store");
            Cli.spec(dir, "s.yaml", Cli.tinySgd(""));
            Cli.Result r =
                    Cli.run(dir, "run", "s.yaml", "--store", store.toString(), "--lock-wait", "2");
            assertEquals(2, r.exit(), r.all());
            assertTrue(r.err().contains(String.valueOf(holder.pid())), r.err());
            assertTrue(r.err().contains("(metaforge run slow.yaml --store "), r.err());
            assertTrue(r.err().contains("; waiting up to 2 s.\n"), r.err());
            assertTrue(r.err().contains("; waited 2 s. Wait for it to finish"), r.err());
            assertFalse(r.all().contains("\tat "), r.all());
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void corruptStoreIsMovedAsideAndReported(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("s.db");
        Files.write(store, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        Cli.spec(dir, "s.yaml", Cli.tinySgd(""));
        Cli.Result r = Cli.run(dir, "run", "s.yaml", "--store", store.toString(), "--threads", "1");
        assertEquals(2, r.exit(), r.all());
        assertTrue(
                r.err().contains("s.db.corrupt-") && r.err().contains("Nothing was run"), r.err());
        assertFalse(r.all().contains("\tat "), r.all());
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("s.db.corrupt-")));
        }
        Cli.Result again =
                Cli.run(dir, "run", "s.yaml", "--store", store.toString(), "--threads", "1");
        assertEquals(0, again.exit(), again.all());
    }

    @Test
    void aRecordDamagedInTheStoreIsReportedInOneParagraph(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("s.db");
        Cli.spec(dir, "s.yaml", Cli.tinySgd(""));
        Cli.Result first =
                Cli.run(dir, "run", "s.yaml", "--store", store.toString(), "--threads", "1");
        assertEquals(0, first.exit(), first.all());
        // Below the store's API: the result's value replaced by its index entry, as the damaged
        // replay of MapDB's log seen once in StoreKillSafetyTest left it.
        String key;
        DB db = DBMaker.fileDB(store.toFile()).transactionEnable().make();
        try {
            BTreeMap<String, byte[]> results = bytes(db, "results");
            key = results.keySet().iterator().next();
            results.put(key, bytes(db, "result-index").get(key));
            db.commit();
        } finally {
            db.close();
        }
        Cli.Result r = Cli.run(dir, "run", "s.yaml", "--store", store.toString(), "--threads", "1");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("error: The result " + key + " in store "), r.err());
        assertTrue(r.err().contains("run with --no-cache"), r.err());
        assertFalse(r.all().contains("\tat "), "no stack trace expected:\n" + r.all());
        assertFalse(r.all().contains("Exception"), "no exception names expected:\n" + r.all());
        Cli.Result rewritten =
                Cli.run(
                        dir,
                        "run",
                        "s.yaml",
                        "--store",
                        store.toString(),
                        "--threads",
                        "1",
                        "--no-cache");
        assertEquals(0, rewritten.exit(), rewritten.all());
        Cli.Result cached =
                Cli.run(dir, "run", "s.yaml", "--store", store.toString(), "--threads", "1");
        assertEquals(0, cached.exit(), cached.all());
    }

    private static BTreeMap<String, byte[]> bytes(DB db, String name) {
        return db.treeMap(name, Serializer.STRING, Serializer.BYTE_ARRAY)
                .valuesOutsideNodesEnable()
                .createOrOpen();
    }

    @Test
    void badWorkerOptionsAndTrialSpecsAreRefusedBeforeAnythingRuns(@TempDir Path dir)
            throws Exception {
        Path store = dir.resolve("s.db");
        Cli.spec(dir, "s.yaml", Cli.tinySgd(""));
        String db = store.toString();
        assertRejected(
                Cli.run(dir, "run", "s.yaml", "--store", db, "--workers", "0"),
                store,
                "--workers 0 is not a whole number in [1, 256]");
        assertRejected(
                Cli.run(dir, "compare", "s.yaml", "--store", db, "--workers", "abc"),
                store,
                "--workers abc is not a whole number in [1, 256]");
        assertRejected(
                Cli.run(dir, "run", "s.yaml", "--store", db, "--worker-threads", "2"),
                store,
                "--worker-threads applies to worker processes: give --workers N as well");
        Cli.spec(dir, "bad.json", "{\"format\": 1, \"component\": ");
        assertRejected(
                Cli.run(dir, "trial", "bad.json", "--store", db),
                store,
                "The trial spec in bad.json is not valid");
        Cli.spec(dir, "partial.json", "{\"format\": 1, \"component\": \"baselines/sgd\"}");
        assertRejected(
                Cli.run(dir, "trial", "partial.json", "--store", db),
                store,
                "The trial spec in partial.json lacks plugin_version, device, key, config");
        assertRejected(
                Cli.run(dir, "trial", "none.json", "--store", db),
                store,
                "Trial spec none.json does not exist");
    }
}

package org.metaforge.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --executor}, on the class path of the default distribution (no metaforge-spark). */
class ExecutorOptionsTest {

    private record Run(int exit, String out, String err) {}

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                new MetaforgeCli(
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8))
                        .execute(args);
        return new Run(
                exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sparkWithoutTheSparkModuleSaysHowToGetIt(@TempDir Path dir) {
        Path store = dir.resolve("store.db");
        Run r =
                cli(
                        "run",
                        "experiments/specs/random-search-quickstart.yaml",
                        "--executor",
                        "spark",
                        "--spark-master",
                        "local[2]",
                        "--store",
                        store.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().lines().count(), "one paragraph: " + r.err());
        assertTrue(
                r.err()
                        .startsWith(
                                "error: --executor spark needs the Spark executor, which is not"),
                r.err());
        assertTrue(
                r.err().contains("mvn -B -pl spark -am package")
                        && r.err().contains("bin/metaforge-spark")
                        && r.err().contains("spark-submit"),
                r.err());
        assertTrue(!Files.exists(store), "nothing written");
    }

    @Test
    void unknownExecutorListsWhatIsAvailable() {
        Run r = cli("run", "x.yaml", "--executor", "ray");
        assertEquals(2, r.exit(), r.err());
        assertEquals(
                "error: Unknown --executor 'ray'; available here: none (spark comes with"
                        + " metaforge-spark; --workers N runs trials as processes on this"
                        + " machine).",
                r.err().strip());
    }

    @Test
    void sparkOptionsNeedTheSparkExecutor() {
        Run r = cli("run", "x.yaml", "--spark-master", "local[2]");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--spark-master applies to the Spark executor"), r.err());
    }

    @Test
    void workersAndAnExecutorExcludeEachOther() {
        Run r = cli("run", "x.yaml", "--workers", "2", "--executor", "spark");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("give one of them"), r.err());
    }
}

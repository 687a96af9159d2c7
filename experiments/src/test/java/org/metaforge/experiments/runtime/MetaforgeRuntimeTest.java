package org.metaforge.experiments.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.framework.run.ExperimentSpec;
import org.metaforge.framework.run.RunRecord;

/** The embedded runtime with plugins in development mode (plugins/{@literal *}/target/classes). */
class MetaforgeRuntimeTest {

    private static final Path PLUGINS =
            Path.of(System.getProperty("metaforge.repo", "..")).resolve("plugins").toAbsolutePath();

    private static final String TINY =
            "component: baselines/sgd\n"
                    + "seed: 4\n"
                    + "device: cpu\n"
                    + "config:\n"
                    + "  hidden: [16]\n"
                    + "  epochs: 1\n"
                    + "  batch-size: 500\n";

    @Test
    void loadsPluginsInDevelopmentModeRunsAndAnswersTheSecondRunFromTheStore(@TempDir Path dir)
            throws Exception {
        Path store = dir.resolve("s.db");
        try (Metaforge mf = Metaforge.builder().pluginsDir(PLUGINS).store(store).build()) {
            assertTrue(mf.pluginProblems().isEmpty(), mf.pluginProblems().toString());
            assertEquals(
                    List.of(
                            "baselines/maml",
                            "baselines/protonet",
                            "baselines/random-search",
                            "baselines/reptile",
                            "baselines/sgd",
                            "baselines/sgd-hd",
                            "baselines/successive-halving",
                            "baselines/support-only",
                            "fds/forward-hpo",
                            "fds/greedy-hpo",
                            "ldeq/ldeq",
                            "ldeq/rwr",
                            "solvers/anderson",
                            "solvers/broyden",
                            "solvers/fixed-point",
                            "zskt/kd",
                            "zskt/kd-at",
                            "zskt/scratch",
                            "zskt/zero-shot"),
                    mf.components().ids());
            ExperimentSpec spec = mf.specs().parse(TINY, null, "tiny");
            RunRecord first = mf.run(spec);
            assertFalse(first.cached());
            RunRecord second = mf.run(spec);
            assertTrue(second.cached());
            assertEquals(first.result().metrics(), second.result().metrics());
            assertEquals(first.key(), second.key());
            RunRecord otherSeed = mf.run(spec.withSeed(5));
            assertFalse(otherSeed.cached(), "the seed is part of the key");
        }
    }

    @Test
    void badInputIsFoundBeforeTheStoreIsCreated(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("s.db");
        try (Metaforge mf = Metaforge.builder().pluginsDir(PLUGINS).store(store).build()) {
            ExperimentSpec nested =
                    mf.specs()
                            .parse(
                                    "component: baselines/random-search\nconfig:\n  learner-config:\n    epochs: 0\n",
                                    null,
                                    "nested");
            BadInputException e = assertThrows(BadInputException.class, () -> mf.plan(nested));
            assertTrue(
                    e.getMessage().contains("learner-config.'epochs': 0 is out of range"),
                    e.getMessage());
            ExperimentSpec empty = mf.specs().parse("dataset: none\n" + TINY, null, "empty");
            BadInputException n = assertThrows(BadInputException.class, () -> mf.plan(empty));
            assertTrue(n.getMessage().contains("has none; name a dataset"), n.getMessage());
            ExperimentSpec gpu =
                    mf.specs().parse(TINY.replace("device: cpu", "device: gpu:3"), null, "gpu");
            BadInputException g = assertThrows(BadInputException.class, () -> mf.plan(gpu));
            assertTrue(g.getMessage().contains("Use --device cpu or auto"), g.getMessage());
        }
        assertFalse(Files.exists(store));
    }
}

package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin written against plugin-sdk alone, dropped into a plugins directory, run by the CLI. */
class ThirdPartyPluginIT {

    @Test
    void pluginCompiledAgainstTheSdkAloneIsListedAndRuns(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins);
        PluginJars.demo(dir, plugins);
        copyBaselines(plugins);

        Cli.Result list = Cli.run(dir, "list", "--plugins", plugins.toString());
        assertEquals(0, list.exit(), list.all());
        assertTrue(list.out().contains("demo/majority"), list.out());
        assertTrue(list.out().contains("Predicts the most frequent training class."), list.out());
        assertTrue(list.out().contains("baselines/sgd"), list.out());

        Cli.Result describe =
                Cli.run(dir, "describe", "demo/majority", "--plugins", plugins.toString());
        assertEquals(0, describe.exit(), describe.all());
        assertTrue(describe.out().contains("samples counted (0: all)"), describe.out());

        Cli.spec(dir, "m.yaml", "component: demo/majority\ndataset: fashion-mnist-subset\n");
        Cli.Result run =
                Cli.run(
                        dir,
                        "run",
                        "m.yaml",
                        "--plugins",
                        plugins.toString(),
                        "--store",
                        dir.resolve("s.db").toString(),
                        "--threads",
                        "1");
        assertEquals(0, run.exit(), run.all());
        // The shipped test subset is stratified: 200 of each of 10 classes.
        assertTrue(run.out().matches("(?s).*test_accuracy\\s+0\\.1000.*"), run.out());
    }

    @Test
    void pluginBundlingDjlIsRefusedByNameWhileTheOthersWork(@TempDir Path dir) throws Exception {
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins);
        Path good =
                PluginJars.build(
                        dir,
                        "bundler",
                        "com.example.bundler.MajorityPlugin",
                        PluginJars.majoritySources("com.example.bundler"),
                        dir.resolve("bundler-good.jar"));
        PluginJars.bundle(
                good,
                PluginJars.lib("api-"),
                "ai/djl/ndarray/",
                plugins.resolve("bundler-1.0.0.jar"));
        copyBaselines(plugins);

        Cli.Result list = Cli.run(dir, "list", "--plugins", plugins.toString());
        assertEquals(2, list.exit(), list.all());
        assertTrue(list.out().contains("baselines/sgd"), list.out());
        assertTrue(
                list.out().contains("Plugin 'bundler'") && list.out().contains("ai.djl"),
                list.out());

        Cli.spec(dir, "s.yaml", Cli.tinySgd(""));
        Cli.Result run =
                Cli.run(
                        dir,
                        "run",
                        "s.yaml",
                        "--plugins",
                        plugins.toString(),
                        "--store",
                        dir.resolve("s.db").toString(),
                        "--threads",
                        "1");
        assertEquals(0, run.exit(), run.all());
        assertTrue(run.err().contains("Plugin 'bundler'"), run.err());
        assertTrue(run.out().contains("test_accuracy"), run.out());
    }

    private static void copyBaselines(Path plugins) throws Exception {
        try (Stream<Path> s = Files.list(Cli.dist().resolve("plugins"))) {
            for (Path p : s.toList()) {
                Files.copy(p, plugins.resolve(p.getFileName()));
            }
        }
    }
}

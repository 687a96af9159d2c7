package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metaforge plugins lock} writes the allow-list; the CLI then refuses what it does not. */
class PluginLockIT {

    @Test
    void lockedJarRunsChangedJarIsRefusedAndMalformedLockIsBadInput(@TempDir Path dir)
            throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = PluginJars.demo(dir, plugins);
        Path store = dir.resolve("s.db");
        Cli.spec(dir, "m.yaml", "component: demo/majority\ndataset: fashion-mnist-subset\n");
        String[] run = {
            "run",
            "m.yaml",
            "--plugins",
            plugins.toString(),
            "--store",
            store.toString(),
            "--threads",
            "1"
        };

        Cli.Result lock = Cli.run(dir, "plugins", "lock", "--plugins", plugins.toString());
        assertEquals(0, lock.exit(), lock.all());
        String locked = Files.readString(plugins.resolve("plugins.lock"));
        assertTrue(locked.contains("\ndemo 1.0.0 "), locked);
        Cli.Result allowed = Cli.run(dir, run);
        assertEquals(0, allowed.exit(), allowed.all());
        assertTrue(allowed.out().contains("test_accuracy"), allowed.out());

        // A jar changed after locking (zip readers ignore trailing bytes, so it still opens).
        Files.write(jar, new byte[] {0}, StandardOpenOption.APPEND);
        Cli.Result changed = Cli.run(dir, run);
        assertEquals(2, changed.exit(), changed.all());
        assertTrue(
                changed.err().contains("demo-1.0.0.jar ('demo' 1.0.0) does not match")
                        && changed.err().contains("expected SHA-256 "),
                changed.err());
        assertFalse(changed.all().contains("\tat "), changed.all());

        Files.writeString(plugins.resolve("plugins.lock"), "demo 1.0.0\n");
        Cli.Result malformed = Cli.run(dir, "list", "--plugins", plugins.toString());
        assertEquals(2, malformed.exit(), malformed.all());
        assertTrue(
                malformed.out().contains("line 1 ('demo 1.0.0') has 2 fields, not 3"),
                malformed.out());
        assertFalse(malformed.all().contains("\tat "), malformed.all());
    }
}

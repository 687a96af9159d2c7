package org.metaforge.framework.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metaforge.framework.BadInputException;

class SpecLoaderTest {

    private final SpecLoader loader = new SpecLoader();

    @Test
    void readsASpecWithDefaultsForWhatItLeavesOut(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("demo.yaml");
        Files.writeString(f, "component: baselines/sgd\nconfig:\n  epochs: 2\n  lr: [0.1, 0.01]\n");
        ExperimentSpec s = loader.load(f);
        assertEquals("demo", s.name());
        assertEquals("baselines/sgd", s.component());
        assertEquals("fashion-mnist-subset", s.dataset());
        assertEquals("auto", s.device());
        assertEquals(0, s.seed());
        assertEquals(Map.of("epochs", 2, "lr", List.of(0.1, 0.01)), s.config());
    }

    @Test
    void reportsEveryTopLevelProblemAtOnce(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "compnent: x\nseed: one\nconfig: [1]\n");
        BadInputException e = assertThrows(BadInputException.class, () -> loader.load(f));
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()), m);
        assertTrue(m.contains("unknown key 'compnent'"), m);
        assertTrue(m.contains("missing 'component'"), m);
        assertTrue(m.contains("'seed' must be a whole number"), m);
        assertTrue(m.contains("'config' must be a mapping"), m);
    }

    @Test
    void syntaxErrorsNameTheLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("broken.yaml");
        Files.writeString(f, "component: a\nconfig:\n  x: [1,\n  y: 2\n");
        BadInputException e = assertThrows(BadInputException.class, () -> loader.load(f));
        assertTrue(
                e.getMessage()
                        .matches(
                                "(?s).*broken\\.yaml is not valid YAML at line \\d+, column \\d+.*"),
                e.getMessage());
    }

    @Test
    void resolvesARelativeDataDirectoryAgainstTheSpecFile() throws Exception {
        Path spec = Path.of("some", "specs", "x.yaml");
        ExperimentSpec s = loader.parse("component: a/b\ndata: data/d1\n", spec, "x");
        assertEquals(
                Path.of("some", "specs", "data", "d1").toAbsolutePath().normalize(), s.dataDir());
        Path absolute = Path.of("/srv/data/d2");
        assertEquals(
                absolute,
                loader.parse("component: a/b\ndata: /srv/data/d2\n", spec, "x").dataDir());
        assertEquals(
                Path.of("data", "d3"),
                loader.parse("component: a/b\ndata: data/d3\n", null, "x").dataDir());
    }

    @Test
    void overridesSetTopLevelAndConfigValues() throws Exception {
        ExperimentSpec s = loader.parse("component: a/b\nconfig:\n  epochs: 2\n", null, "x");
        ExperimentSpec o =
                loader.override(
                        s,
                        List.of(
                                "seed=9",
                                "device=cpu",
                                "epochs=5",
                                "config.lr=[0.5]",
                                "dataset=fashion-mnist"));
        assertEquals(9, o.seed());
        assertEquals("cpu", o.device());
        assertEquals("fashion-mnist", o.dataset());
        assertEquals(5, o.config().get("epochs"));
        assertEquals(List.of(0.5), o.config().get("lr"));
        BadInputException e =
                assertThrows(BadInputException.class, () -> loader.override(s, List.of("epochs")));
        assertTrue(e.getMessage().contains("not of the form key=value"), e.getMessage());
    }
}

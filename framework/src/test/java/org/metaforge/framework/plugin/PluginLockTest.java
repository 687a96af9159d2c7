package org.metaforge.framework.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plugins.lock} refuses what it does not list before any of the plugin's code runs.
 *
 * <p>The test plugins append to a marker file from their static initialiser and their {@code
 * start()}, so a refused plugin whose class was merely loaded would leave a trace.
 */
class PluginLockTest {

    private static final String MARKER_DIR = "metaforge.test.marker-dir";
    private static final Map<String, byte[]> COMPILED = new HashMap<>();

    @TempDir Path dir;
    private Path plugins;

    @BeforeEach
    void setUp() throws IOException {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        System.setProperty(MARKER_DIR, dir.toString());
    }

    @AfterEach
    void tearDown() {
        System.clearProperty(MARKER_DIR);
    }

    @Test
    void jarNotInTheLockIsRefusedBeforeItsCodeRunsWhileAListedOneLoads() throws Exception {
        Path alpha = markerJar("alpha", "1.0.0", "");
        PluginLock.write(plugins, new ArrayList<>());
        Path beta = markerJar("beta", "1.0.0", "");

        List<PluginProblem> problems = load("alpha");

        assertEquals("loaded started", marker("alpha"));
        assertFalse(Files.exists(markerOf("beta")), "beta's code ran");
        assertEquals(1, problems.size(), problems.toString());
        String message = problems.get(0).message();
        assertEquals(beta, problems.get(0).source());
        assertTrue(message.startsWith("Plugin jar beta-1.0.0.jar ('beta' 1.0.0"), message);
        assertTrue(message.contains("SHA-256 " + PluginLock.sha256(beta)), message);
        assertTrue(
                message.contains("is not listed in " + plugins.resolve("plugins.lock")), message);
        assertTrue(message.contains("'metaforge plugins lock'"), message);
        assertTrue(Files.exists(alpha));
    }

    @Test
    void jarWhoseHashDiffersIsRefusedNamingTheExpectedAndActualHash() throws Exception {
        String locked = PluginLock.sha256(markerJar("alpha", "1.0.0", ""));
        PluginLock.write(plugins, new ArrayList<>());
        String actual = PluginLock.sha256(markerJar("alpha", "1.0.0", "  static int changed;\n"));

        List<PluginProblem> problems = load();

        assertFalse(Files.exists(markerOf("alpha")), "the changed jar's code ran");
        String message = problems.get(0).message();
        assertTrue(message.contains("expected SHA-256 " + locked + ", actual " + actual), message);
        assertTrue(message.contains("it was not loaded"), message);
    }

    @Test
    void jarOfAnotherVersionIsRefused() throws Exception {
        markerJar("alpha", "1.0.0", "");
        PluginLock.write(plugins, new ArrayList<>());
        Files.delete(plugins.resolve("alpha-1.0.0.jar"));
        markerJar("alpha", "1.1.0", "");

        List<PluginProblem> problems = load();

        assertFalse(Files.exists(markerOf("alpha")), "the other version's code ran");
        String message = problems.get(0).message();
        assertTrue(message.contains("('alpha' 1.1.0) has a version that"), message);
        assertTrue(message.contains("(it lists 1.0.0)"), message);
    }

    @Test
    void malformedLockRefusesEveryPluginBesideItNamingEachBadLine() throws Exception {
        markerJar("alpha", "1.0.0", "");
        Files.writeString(
                plugins.resolve("plugins.lock"),
                "# a comment\nalpha 1.0.0\nbeta 1.0.0 not-a-hash\n\nalpha 1.0.0 "
                        + "0".repeat(64)
                        + "\n");

        List<PluginProblem> problems = load();

        assertFalse(Files.exists(markerOf("alpha")), "a plugin beside a bad lock ran");
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(plugins.resolve("plugins.lock"), problems.get(0).source());
        String message = problems.get(0).message();
        assertTrue(message.contains("line 2 ('alpha 1.0.0') has 2 fields, not 3"), message);
        assertTrue(message.contains("line 3 ('beta 1.0.0 not-a-hash') has no SHA-256"), message);
        assertTrue(message.endsWith("No plugin of " + plugins + " was loaded."), message);
        PluginLock.MalformedException e =
                assertThrows(
                        PluginLock.MalformedException.class,
                        () -> PluginLock.read(plugins.resolve("plugins.lock")));
        assertFalse(e.getMessage().contains("line 5"), e.getMessage());
    }

    @Test
    void developmentDirectoryIsRefusedUnderALockAndLeftOutOfAWrittenOne() throws Exception {
        markerJar("alpha", "1.0.0", "");
        Path dev = plugins.resolve("dev");
        Files.createDirectories(dev.resolve("target/classes"));
        Files.writeString(dev.resolve("plugin.properties"), "plugin.id=dev\nplugin.version=1\n");
        List<String> skipped = new ArrayList<>();

        List<PluginLock.Entry> written = PluginLock.write(plugins, skipped);
        List<PluginProblem> problems = load("alpha");

        assertEquals(List.of("alpha"), written.stream().map(PluginLock.Entry::id).toList());
        assertTrue(skipped.get(0).contains("cannot be locked"), skipped.toString());
        assertEquals(dev, problems.get(0).source());
        String message = problems.get(0).message();
        assertTrue(message.startsWith("Development directory " + dev), message);
    }

    /**
     * Loads {@code plugins}, checks that exactly {@code expected} started, returns the problems.
     */
    private List<PluginProblem> load(String... expected) {
        try (PluginHost host =
                PluginHost.load(
                        List.of(plugins),
                        type -> {
                            throw new AssertionError("no extensions expected");
                        })) {
            assertEquals(List.of(expected), host.plugins().stream().map(PluginInfo::id).toList());
            return host.problems();
        }
    }

    private Path markerOf(String id) {
        return dir.resolve(id + ".marker");
    }

    private String marker(String id) throws IOException {
        return Files.readString(markerOf(id)).strip();
    }

    /**
     * Packs a plugin {@code id} whose class marks its loading and its start in {@link #markerOf};
     * {@code extra} is added to the class body.
     */
    private Path markerJar(String id, String version, String extra) throws IOException {
        String entry = "test/" + id + "/MarkerPlugin.class";
        byte[] bytes = COMPILED.get(id + extra);
        if (bytes == null) {
            bytes = compile(id, extra, entry);
            COMPILED.put(id + extra, bytes);
        }
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Plugin-Id", id);
        a.putValue("Plugin-Version", version);
        a.putValue("Plugin-Class", "test." + id + ".MarkerPlugin");
        Path jar = plugins.resolve(id + "-" + version + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            out.putNextEntry(new JarEntry(entry));
            out.write(bytes);
            out.closeEntry();
        }
        return jar;
    }

    /** Compiles the marker plugin class once per variant: javac takes a second or two. */
    private byte[] compile(String id, String extra, String entry) throws IOException {
        Path src = dir.resolve(id + "-src/test/" + id + "/MarkerPlugin.java");
        Path classes = dir.resolve(id + "-classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(
                src,
                "package test."
                        + id
                        + ";\n"
                        + "import java.nio.file.*;\n"
                        + "public class MarkerPlugin extends org.pf4j.Plugin {\n"
                        + "  static { mark(\"loaded \"); }\n"
                        + "  @Override public void start() { mark(\"started\"); }\n"
                        + "  static void mark(String s) {\n"
                        + "    Path f = Path.of(System.getProperty(\""
                        + MARKER_DIR
                        + "\"), \""
                        + id
                        + ".marker\");\n"
                        + "    try { Files.writeString(f, s, StandardOpenOption.CREATE,"
                        + " StandardOpenOption.APPEND); }\n"
                        + "    catch (java.io.IOException e) { throw new RuntimeException(e); }\n"
                        + "  }\n"
                        + extra
                        + "}\n");
        int rc =
                ToolProvider.getSystemJavaCompiler()
                        .run(
                                null,
                                null,
                                null,
                                "--release",
                                "17",
                                "-proc:none",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "-d",
                                classes.toString(),
                                src.toString());
        assertEquals(0, rc, "the test plugin compiles");
        return Files.readAllBytes(classes.resolve(entry));
    }
}

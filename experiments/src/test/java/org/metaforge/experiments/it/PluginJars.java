package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds plugin jars from Java source the way a third-party author would. */
final class PluginJars {

    private PluginJars() {}

    /** The jar in the distribution's lib/ whose name starts with {@code prefix}. */
    static Path lib(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(Cli.dist().resolve("lib"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + prefix + "*.jar in lib/"));
        }
    }

    /**
     * Compiles {@code sources} (file name to text) against the SDK jar and what its API exposes
     * (PF4J's annotations, DJL's api), runs PF4J's extension processor, and packs a plugin jar.
     */
    static Path build(
            Path work, String pluginId, String pluginClass, Map<String, String> sources, Path jar)
            throws IOException {
        Path src = work.resolve(pluginId + "-src");
        Path classes = work.resolve(pluginId + "-classes");
        Files.createDirectories(classes);
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            files.add(f.toString());
        }
        String cp =
                String.join(
                        java.io.File.pathSeparator,
                        lib("plugin-sdk-").toString(),
                        lib("pf4j-").toString(),
                        lib("api-").toString(),
                        lib("slf4j-api-").toString());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--release",
                                "17",
                                "-cp",
                                cp,
                                "-processorpath",
                                cp,
                                "-d",
                                classes.toString()));
        args.addAll(files);
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        assertTrue(rc == 0, "the plugin source compiles against plugin-sdk");
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Plugin-Id", pluginId);
        a.putValue("Plugin-Version", "1.0.0");
        a.putValue("Plugin-Provider", "A third party");
        a.putValue("Plugin-Description", "Built from source by a test");
        if (pluginClass != null) {
            a.putValue("Plugin-Class", pluginClass);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    /**
     * Builds the third-party Majority learner as plugin {@code demo}, {@code
     * plugins/demo-1.0.0.jar}.
     */
    static Path demo(Path work, Path plugins) throws IOException {
        return build(
                work,
                "demo",
                "com.example.demo.MajorityPlugin",
                majoritySources("com.example.demo"),
                plugins.resolve("demo-1.0.0.jar"));
    }

    /** Copies {@code jar} adding every class of {@code donor} under {@code prefix}. */
    static void bundle(Path jar, Path donor, String prefix, Path out) throws IOException {
        try (JarFile in = new JarFile(jar.toFile());
                JarFile d = new JarFile(donor.toFile());
                OutputStream os = Files.newOutputStream(out);
                JarOutputStream jos = new JarOutputStream(os, in.getManifest())) {
            for (var e : java.util.Collections.list(in.entries())) {
                if (e.getName().equals(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                jos.putNextEntry(new JarEntry(e.getName()));
                in.getInputStream(e).transferTo(jos);
            }
            for (var e : java.util.Collections.list(d.entries())) {
                if (e.getName().startsWith(prefix) && e.getName().endsWith(".class")) {
                    jos.putNextEntry(new JarEntry(e.getName()));
                    d.getInputStream(e).transferTo(jos);
                }
            }
        }
    }

    /** A third-party Learner: predicts the most frequent training class. */
    static Map<String, String> majoritySources(String pkg) {
        String dir = pkg.replace('.', '/');
        return Map.of(
                dir + "/MajorityPlugin.java",
                "package " + pkg + ";\npublic class MajorityPlugin extends org.pf4j.Plugin {}\n",
                dir + "/MajorityConfig.java",
                "package "
                        + pkg
                        + ";\n"
                        + "import org.metaforge.sdk.config.Param;\n"
                        + "public record MajorityConfig(\n"
                        + "    @Param(value = \"samples counted (0: all)\", defaultValue = \"0\", min = 0) int samples) {}\n",
                dir + "/Majority.java",
                "package "
                        + pkg
                        + ";\n"
                        + "import org.metaforge.sdk.Learner;\n"
                        + "import org.metaforge.sdk.run.*;\n"
                        + "@org.pf4j.Extension\n"
                        + "public class Majority implements Learner<MajorityConfig> {\n"
                        + "  public String name() { return \"majority\"; }\n"
                        + "  public String description() { return \"Predicts the most frequent training class.\"; }\n"
                        + "  public Class<MajorityConfig> configType() { return MajorityConfig.class; }\n"
                        + "  public RunResult fit(RunContext ctx, MajorityConfig c, Task task) {\n"
                        + "    int n = c.samples() == 0 ? task.train().size() : Math.min(c.samples(), task.train().size());\n"
                        + "    int[] counts = new int[task.train().numClasses()];\n"
                        + "    for (int i = 0; i < n; i++) counts[task.train().label(i)]++;\n"
                        + "    int best = 0;\n"
                        + "    for (int k = 1; k < counts.length; k++) if (counts[k] > counts[best]) best = k;\n"
                        + "    int hit = 0;\n"
                        + "    for (int i = 0; i < task.eval().size(); i++) if (task.eval().label(i) == best) hit++;\n"
                        + "    return RunResult.builder()\n"
                        + "        .metric(task.evalName() + \"_accuracy\", hit / (double) task.eval().size())\n"
                        + "        .metric(\"predicted_class\", best).build();\n"
                        + "  }\n"
                        + "}\n");
    }
}

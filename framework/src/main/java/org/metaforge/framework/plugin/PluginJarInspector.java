package org.metaforge.framework.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Checks a plugin jar before any of its code is loaded. */
final class PluginJarInspector {

    /** Packages a plugin must not bundle (the host provides them), as jar entry prefixes. */
    private static final List<String> BANNED =
            List.of(
                    "ai/djl/",
                    "org/pf4j/",
                    "com/google/inject/",
                    "org/mapdb/",
                    "org/metaforge/sdk/",
                    "org/metaforge/framework/",
                    "org/metaforge/store/");

    private PluginJarInspector() {}

    /** A plugin's id and version as its jar's descriptor states them. */
    record Descriptor(String id, String version) {}

    /**
     * The id and version in {@code jar}'s {@code plugin.properties} or, failing that, its manifest
     * ({@code Plugin-Id}, {@code Plugin-Version}): PF4J's order. Empty if it has neither.
     */
    static Optional<Descriptor> descriptor(Path jar) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            ZipEntry entry = jf.getEntry("plugin.properties");
            if (entry != null) {
                Properties props = new Properties();
                try (InputStream in = jf.getInputStream(entry)) {
                    props.load(in);
                }
                Optional<Descriptor> d =
                        descriptor(
                                props.getProperty("plugin.id"),
                                props.getProperty("plugin.version"));
                if (d.isPresent()) {
                    return d;
                }
            }
            Manifest mf = jf.getManifest();
            return mf == null
                    ? Optional.empty()
                    : descriptor(
                            mf.getMainAttributes().getValue("Plugin-Id"),
                            mf.getMainAttributes().getValue("Plugin-Version"));
        }
    }

    private static Optional<Descriptor> descriptor(String id, String version) {
        return id == null || version == null || id.isBlank() || version.isBlank()
                ? Optional.empty()
                : Optional.of(new Descriptor(id.strip(), version.strip()));
    }

    /** The problem with {@code jar}, or empty if it looks like a well-packaged plugin. */
    static Optional<String> inspect(Path jar) {
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest mf = jf.getManifest();
            boolean hasManifestId =
                    mf != null
                            && mf.getMainAttributes().getValue("Plugin-Id") != null
                            && mf.getMainAttributes().getValue("Plugin-Version") != null;
            boolean hasProperties = jf.getEntry("plugin.properties") != null;
            if (!hasManifestId && !hasProperties) {
                return Optional.of(
                        "Plugin jar "
                                + jar
                                + " has no plugin descriptor: add Plugin-Id and Plugin-Version"
                                + " to its META-INF/MANIFEST.MF (or a plugin.properties), as the"
                                + " README's plugin section shows.");
            }
            TreeSet<String> bundled = new TreeSet<>();
            Enumeration<? extends ZipEntry> entries = jf.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (!name.endsWith(".class")) {
                    continue;
                }
                for (String b : BANNED) {
                    if (name.startsWith(b)) {
                        bundled.add(b.substring(0, b.length() - 1).replace('/', '.'));
                    }
                }
            }
            if (!bundled.isEmpty()) {
                String id = hasManifestId ? mf.getMainAttributes().getValue("Plugin-Id") : "?";
                return Optional.of(
                        "Plugin '"
                                + id
                                + "' ("
                                + jar.getFileName()
                                + ") bundles classes of "
                                + String.join(", ", bundled)
                                + ", which the host provides; it was not loaded. Rebuild it with"
                                + " those dependencies in scope 'provided'.");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(
                    "Plugin file "
                            + jar
                            + " is not a readable jar ("
                            + e.getMessage()
                            + "); remove it from the plugins directory or rebuild it.");
        }
    }

    /** The plugin sources under {@code dir}: jars, and development directories. */
    static List<Path> expand(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isRegularFile(dir)) {
            out.add(dir);
            return out;
        }
        if (Files.isRegularFile(dir.resolve("plugin.properties"))) {
            out.add(dir);
            return out;
        }
        try (var stream = Files.list(dir)) {
            stream.sorted()
                    .forEach(
                            p -> {
                                if (Files.isRegularFile(p)
                                        && (p.toString().endsWith(".jar")
                                                || p.toString().endsWith(".zip"))) {
                                    out.add(p);
                                } else if (Files.isDirectory(p)
                                        && Files.isRegularFile(p.resolve("plugin.properties"))
                                        && Files.isDirectory(p.resolve("target/classes"))) {
                                    out.add(p);
                                }
                            });
        }
        return out;
    }
}

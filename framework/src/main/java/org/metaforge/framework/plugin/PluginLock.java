package org.metaforge.framework.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The allow-list {@code plugins.lock} of a plugins directory: which plugin jars may load from it.
 *
 * <p>A text file, one line per plugin: {@code <plugin id> <version> <SHA-256 of the jar, 64 hex
 * digits>}, separated by spaces; blank lines and lines starting with {@code #} are ignored. When a
 * directory holds one, a plugin in it loads only if its jar's descriptor names a listed id at the
 * listed version and the jar's SHA-256 is the listed one; development directories (classes, not a
 * jar) are refused, as they cannot be hashed as one file. A lock that does not parse refuses every
 * plugin of its directory. All of it is checked before any of a plugin's code is loaded.
 */
public final class PluginLock {

    /** The lock's file name in a plugins directory. */
    public static final String FILE_NAME = "plugins.lock";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private static final String HEADER =
            "# plugins.lock: the plugins Metaforge may load from this directory; any other jar,"
                    + " or a jar\n"
                    + "# whose version or SHA-256 differs, is refused before its code runs."
                    + " Written by\n"
                    + "# 'metaforge plugins lock'; one line per plugin jar:\n"
                    + "# <plugin id> <version> <SHA-256 of the jar>\n";

    /**
     * One allowed plugin.
     *
     * @param id the plugin id of its descriptor
     * @param version the plugin version of its descriptor
     * @param sha256 the jar's SHA-256, 64 lowercase hex digits
     */
    public record Entry(String id, String version, String sha256) {}

    /** A lock file that does not parse; the message names the file and every bad line. */
    public static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    private final Path file;
    private final Map<String, Entry> entries;

    private PluginLock(Path file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** The lock of the plugins directory {@code dir}, if it has one. */
    public static Optional<PluginLock> of(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        return Files.exists(file) ? Optional.of(read(file)) : Optional.empty();
    }

    /**
     * Reads a lock file.
     *
     * @throws MalformedException naming every line that is not {@code id version sha256}, or a
     *     plugin id listed twice
     */
    public static PluginLock read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            String where = "line " + (i + 1) + " ('" + line + "')";
            if (f.length != 3) {
                bad.add(where + " has " + f.length + " fields, not 3");
            } else if (!SHA256.matcher(f[2].toLowerCase(Locale.ROOT)).matches()) {
                bad.add(where + " has no SHA-256 of 64 hex digits as its third field");
            } else if (entries.containsKey(f[0])) {
                bad.add(where + " lists plugin '" + f[0] + "' again");
            } else {
                entries.put(f[0], new Entry(f[0], f[1], f[2].toLowerCase(Locale.ROOT)));
            }
        }
        if (!bad.isEmpty()) {
            throw new MalformedException(
                    "Plugin lock "
                            + file
                            + " is malformed: "
                            + String.join("; ", bad)
                            + ". Each line must be '<plugin id> <version> <SHA-256>'; fix it, or"
                            + " write it again with 'metaforge plugins lock'.");
        }
        return new PluginLock(file, entries);
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** The allowed plugins, in file order. */
    public Collection<Entry> entries() {
        return entries.values();
    }

    /**
     * Why this lock refuses the plugin at {@code source} (a jar or a development directory), or
     * empty if it allows it. Reads the jar's descriptor and bytes, never its classes.
     */
    public Optional<String> refusal(Path source) throws IOException {
        if (Files.isDirectory(source)) {
            return Optional.of(
                    "Development directory "
                            + source
                            + " was not loaded: "
                            + file
                            + " allows only jars listed with their SHA-256. Package it as a jar"
                            + " and run 'metaforge plugins lock', or develop in a plugins"
                            + " directory without "
                            + FILE_NAME
                            + ".");
        }
        Optional<Entry> actual = entryOf(source);
        if (actual.isEmpty()) {
            return Optional.of(
                    "Plugin jar "
                            + source.getFileName()
                            + " has no plugin id and version to look up in "
                            + file
                            + "; it was not loaded.");
        }
        Entry a = actual.get();
        Entry expected = entries.get(a.id());
        String jar = "Plugin jar " + source.getFileName() + " ('" + a.id() + "' " + a.version();
        String next =
                "; it was not loaded. If you trust this jar, run 'metaforge plugins lock' to"
                        + " write the lock again.";
        if (expected == null) {
            return Optional.of(
                    jar + ", SHA-256 " + a.sha256() + ") is not listed in " + file + next);
        }
        if (!expected.version().equals(a.version())) {
            return Optional.of(
                    jar
                            + ") has a version that "
                            + file
                            + " does not allow (it lists "
                            + expected.version()
                            + ")"
                            + next);
        }
        if (!expected.sha256().equals(a.sha256())) {
            return Optional.of(
                    jar
                            + ") does not match "
                            + file
                            + ": expected SHA-256 "
                            + expected.sha256()
                            + ", actual "
                            + a.sha256()
                            + next);
        }
        return Optional.empty();
    }

    /** The plugins in {@code dir} that a lock there governs: jars and development directories. */
    public static List<Path> sources(Path dir) throws IOException {
        return PluginJarInspector.expand(dir);
    }

    /** The entry that would allow the jar {@code jar}, or empty if it has no plugin descriptor. */
    public static Optional<Entry> entryOf(Path jar) throws IOException {
        Optional<PluginJarInspector.Descriptor> d = PluginJarInspector.descriptor(jar);
        if (d.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(d.get().id(), d.get().version(), sha256(jar)));
    }

    /**
     * Writes the lock of {@code dir} for the plugin jars in it that would load (a descriptor, no
     * bundled host classes), replacing any lock there.
     *
     * @param skipped receives one sentence for each plugin left out, and why
     * @return the entries written
     * @throws IOException if the directory cannot be read or the lock cannot be written, or two
     *     jars carry the same plugin id (nothing is written then)
     */
    public static List<Entry> write(Path dir, List<String> skipped) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, Path> jars = new LinkedHashMap<>();
        for (Path p : PluginJarInspector.expand(dir)) {
            if (Files.isDirectory(p)) {
                skipped.add(
                        "Development directory "
                                + p
                                + " is not a jar; it cannot be locked and will be refused.");
                continue;
            }
            Optional<String> problem = PluginJarInspector.inspect(p);
            Optional<Entry> entry = problem.isPresent() ? Optional.empty() : entryOf(p);
            if (entry.isEmpty()) {
                skipped.add(problem.orElse("Plugin jar " + p + " has no plugin id and version."));
                continue;
            }
            Entry e = entry.get();
            Path other = jars.putIfAbsent(e.id(), p);
            if (other != null) {
                throw new IOException(
                        "Plugin id '"
                                + e.id()
                                + "' is carried by both "
                                + other
                                + " and "
                                + p
                                + "; remove one, then lock again. Nothing was written.");
            }
            entries.put(e.id(), e);
        }
        StringBuilder text = new StringBuilder(HEADER);
        for (Entry e : entries.values()) {
            text.append(e.id()).append(' ').append(e.version()).append(' ').append(e.sha256());
            text.append('\n');
        }
        Path file = dir.resolve(FILE_NAME);
        Path temp = dir.resolve(FILE_NAME + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        // A command starting meanwhile reads the old lock or the new one, never half of one.
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return List.copyOf(entries.values());
    }

    /** The SHA-256 of a file, 64 lowercase hex digits. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

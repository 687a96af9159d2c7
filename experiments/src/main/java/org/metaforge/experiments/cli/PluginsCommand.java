package org.metaforge.experiments.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.plugin.PluginLock;

/**
 * {@code metaforge plugins [lock]}: each plugin file with its id, version and SHA-256 and what the
 * directory's {@code plugins.lock} says of it; with {@code lock}, writes that file. Reads jars as
 * files only: no plugin code is loaded.
 */
final class PluginsCommand implements MetaforgeCli.Command {

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public String arguments() {
        return "[lock]";
    }

    @Override
    public String summary() {
        return "Shows each plugin jar's id, version and SHA-256 and whether the directory's "
                + PluginLock.FILE_NAME
                + " allows it (exit 2 if one is refused); 'lock' writes "
                + PluginLock.FILE_NAME
                + " for the jars there now, replacing it. No plugin code is run.";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException, IOException {
        List<String> args = cl.getArgList();
        boolean lock = args.equals(List.of("lock"));
        if (!args.isEmpty() && !lock) {
            throw new BadInputException(
                    "'metaforge plugins' takes no argument, or 'lock' to write "
                            + PluginLock.FILE_NAME
                            + " (got "
                            + args
                            + ").");
        }
        MetaforgeCli.checkPluginDirs(cl);
        boolean refused = false;
        for (Path dir : MetaforgeCli.pluginDirs(cl)) {
            if (!Files.isDirectory(dir) || Files.isRegularFile(dir.resolve("plugin.properties"))) {
                throw new BadInputException(
                        dir
                                + " is not a directory of plugins; "
                                + PluginLock.FILE_NAME
                                + " belongs in the directory that holds the plugin jars.");
            }
            if (lock) {
                write(dir, cli);
            } else {
                refused |= show(dir, cli.out());
            }
        }
        return refused ? ExitCode.BAD_INPUT : ExitCode.OK;
    }

    private static void write(Path dir, MetaforgeCli cli) throws BadInputException {
        List<String> skipped = new ArrayList<>();
        List<PluginLock.Entry> entries;
        try {
            entries = PluginLock.write(dir, skipped);
        } catch (IOException e) {
            throw new BadInputException(
                    "Cannot write " + dir.resolve(PluginLock.FILE_NAME) + ": " + e.getMessage(), e);
        }
        for (String s : skipped) {
            cli.err().println("warning: not locked: " + s);
        }
        cli.out()
                .println(
                        "wrote "
                                + dir.resolve(PluginLock.FILE_NAME)
                                + " ("
                                + entries.size()
                                + " plugin"
                                + (entries.size() == 1 ? "" : "s")
                                + "):");
        for (PluginLock.Entry e : entries) {
            cli.out().printf("  %-14s %-16s %s%n", e.id(), e.version(), e.sha256());
        }
    }

    /** Prints what the lock of {@code dir} says of each plugin there; true if one is refused. */
    private static boolean show(Path dir, PrintStream out) throws IOException {
        Optional<PluginLock> lock;
        try {
            lock = PluginLock.of(dir);
        } catch (PluginLock.MalformedException e) {
            out.println(dir + ": " + e.getMessage() + " No plugin of " + dir + " would load.");
            return true;
        }
        out.println(
                dir
                        + ": "
                        + lock.map(l -> "locked by " + l.file())
                                .orElse("no " + PluginLock.FILE_NAME + "; every plugin may load"));
        boolean refused = false;
        for (Path p : PluginLock.sources(dir)) {
            boolean directory = Files.isDirectory(p);
            Optional<PluginLock.Entry> e = Optional.empty();
            Optional<String> refusal;
            try {
                e = directory ? Optional.empty() : PluginLock.entryOf(p);
                refusal = lock.isPresent() ? lock.get().refusal(p) : Optional.empty();
            } catch (IOException x) {
                refusal = Optional.of(p + " is not a readable jar (" + x.getMessage() + ").");
            }
            out.printf(
                    "  %-14s %-16s %-64s %s%n",
                    e.map(PluginLock.Entry::id).orElse("?"),
                    e.map(PluginLock.Entry::version).orElse("?"),
                    e.map(PluginLock.Entry::sha256)
                            .orElse(directory ? "(development directory)" : "?"),
                    p.getFileName());
            if (refusal.isPresent()) {
                out.println("    refused: " + refusal.get());
                refused = true;
            }
        }
        return refused;
    }
}

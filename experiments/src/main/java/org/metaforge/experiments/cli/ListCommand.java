package org.metaforge.experiments.cli;

import java.io.PrintStream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.framework.plugin.ComponentEntry;
import org.metaforge.framework.plugin.PluginHost;
import org.metaforge.framework.plugin.PluginInfo;
import org.metaforge.framework.plugin.PluginProblem;

/** {@code metaforge list}: plugins, extension points and components. */
final class ListCommand implements MetaforgeCli.Command {

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "Shows every plugin, extension point and component, with versions and descriptions;"
                + " exits with 2 if a plugin failed to load.";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException {
        MetaforgeCli.checkPluginDirs(cl);
        PrintStream out = cli.out();
        try (Metaforge mf = cli.runtime(cl)) {
            out.println("Plugins:");
            if (mf.plugins().isEmpty()) {
                out.println("  (none)");
            }
            for (PluginInfo p : mf.plugins()) {
                out.printf("  %-14s %-16s %s%n", p.id(), p.version(), p.description());
                out.printf("  %-14s %-16s from %s%n", "", "", p.source());
            }
            for (Class<?> point : PluginHost.EXTENSION_POINTS) {
                out.println();
                out.println(point.getSimpleName() + ":");
                boolean any = false;
                for (ComponentEntry e : mf.components().all()) {
                    if (e.extensionPoint().equals(point.getSimpleName())) {
                        out.printf(
                                "  %-28s %-16s %s%n",
                                e.id(), e.plugin().version(), e.component().description());
                        any = true;
                    }
                }
                if (!any) {
                    out.println("  (none)");
                }
            }
            if (!mf.pluginProblems().isEmpty()) {
                out.println();
                out.println("Not loaded:");
                for (PluginProblem p : mf.pluginProblems()) {
                    out.println("  " + p.source().getFileName() + ": " + p.message());
                }
                return ExitCode.BAD_INPUT;
            }
            return ExitCode.OK;
        }
    }
}

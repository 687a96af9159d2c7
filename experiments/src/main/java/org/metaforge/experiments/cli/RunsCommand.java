package org.metaforge.experiments.cli;

import java.io.PrintStream;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.store.RunEntry;

/** {@code metaforge runs}: the results in the store. */
final class RunsCommand implements MetaforgeCli.Command {

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(null, "trials", false, "also list the inner trials of searches");
        return o;
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "Lists the results in the store, newest last.";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException {
        PrintStream out = cli.out();
        try (Metaforge mf = cli.runtime(cl)) {
            List<RunEntry> entries = mf.store().get().listResults();
            int shown = 0;
            for (RunEntry e : entries) {
                if (!cl.hasOption("trials") && !e.type().equals("run-result")) {
                    continue;
                }
                StringBuilder figures = new StringBuilder();
                e.summary()
                        .forEach(
                                (k, v) -> {
                                    if (!k.equals("component") && !k.equals("spec")) {
                                        figures.append(' ').append(k).append('=').append(v);
                                    }
                                });
                out.printf(
                        "%s  %s  %-6s %-26s %-26s%s%n",
                        e.keyHex().substring(0, 12),
                        e.createdAt().toString().substring(0, 19).replace('T', ' '),
                        e.type().replace("-result", ""),
                        e.summary().getOrDefault("component", "?"),
                        e.summary().getOrDefault("spec", ""),
                        figures);
                shown++;
            }
            out.println(
                    shown
                            + " result(s) in "
                            + mf.store().get().path()
                            + " ("
                            + entries.size()
                            + " including trials).");
            return ExitCode.OK;
        }
    }
}

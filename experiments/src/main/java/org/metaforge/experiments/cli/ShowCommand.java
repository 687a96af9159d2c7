package org.metaforge.experiments.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.metaforge.experiments.report.RunReportWriter;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.framework.run.ResultCodec;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.store.ResultStore;
import org.metaforge.store.RunEntry;

/** {@code metaforge show KEY}: a stored result, optionally written out as a report. */
final class ShowCommand implements MetaforgeCli.Command {

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(
                Option.builder()
                        .longOpt("out")
                        .hasArg()
                        .argName("DIR")
                        .desc(
                                "also write result.json, plots, image artefacts and report.html"
                                        + " there")
                        .build());
        return o;
    }

    @Override
    public String arguments() {
        return "KEY";
    }

    @Override
    public String summary() {
        return "Shows a stored result; KEY may be a unique prefix (see 'metaforge runs').";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException, IOException {
        if (cl.getArgList().size() != 1) {
            throw new BadInputException(
                    "'metaforge show' takes one key or key prefix (see 'metaforge runs').");
        }
        String prefix = cl.getArgList().get(0).toLowerCase(java.util.Locale.ROOT);
        try (Metaforge mf = cli.runtime(cl)) {
            ResultStore store = mf.store().get();
            List<RunEntry> matches =
                    store.listResults().stream()
                            .filter(e -> e.keyHex().startsWith(prefix))
                            .toList();
            if (matches.size() != 1) {
                throw new BadInputException(
                        matches.isEmpty()
                                ? "No stored result has a key starting with '"
                                        + prefix
                                        + "'; 'metaforge runs' lists them."
                                : "Key prefix '"
                                        + prefix
                                        + "' matches "
                                        + matches.size()
                                        + " results; give more characters.");
            }
            RunEntry entry = matches.get(0);
            RunRecord r = ResultCodec.decode(store.getResult(entry.keyHex()).orElseThrow());
            cli.out()
                    .println(
                            entry.keyHex()
                                    + "  "
                                    + r.componentId()
                                    + "  ("
                                    + entry.type()
                                    + ", "
                                    + entry.createdAt()
                                    + ")");
            cli.out().println(RunReportWriter.formatMetrics(r.result()).stripTrailing());
            r.provenance().forEach((k, v) -> cli.out().println("  " + k + ": " + v));
            if (cl.hasOption("out")) {
                Path out = Path.of(cl.getOptionValue("out"));
                new RunReportWriter()
                        .write(
                                new RunRecord(
                                        r.componentId(),
                                        entry.keyHex(),
                                        r.result(),
                                        r.provenance(),
                                        true),
                                String.valueOf(
                                        r.provenance().getOrDefault("spec", r.componentId())),
                                out,
                                RunCommand.imageArtifacts(store, entry.keyHex()));
                cli.out().println("wrote " + out.resolve("report.html"));
            }
            return ExitCode.OK;
        }
    }
}

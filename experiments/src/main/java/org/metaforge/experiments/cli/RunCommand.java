package org.metaforge.experiments.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.metaforge.experiments.report.RunReportWriter;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.framework.engine.Devices;
import org.metaforge.framework.run.ExperimentSpec;
import org.metaforge.framework.run.Plan;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.store.ResultStore;

/** {@code metaforge run SPEC}: run an experiment or answer it from the store. */
final class RunCommand implements MetaforgeCli.Command {

    @Override
    public Options options() {
        Options o = SpecOptions.options();
        WorkerOptions.addTo(o);
        ExecutorOptions.addTo(o);
        o.addOption(
                Option.builder()
                        .longOpt("out")
                        .hasArg()
                        .argName("DIR")
                        .desc(
                                "where result.json, the plots and report.html go (default metaforge-out/<spec name>)")
                        .build());
        o.addOption(noCache());
        return o;
    }

    @Override
    public String arguments() {
        return "SPEC";
    }

    @Override
    public String summary() {
        return "Runs an experiment spec, or answers it from the store.";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException, IOException {
        Path specFile = SpecOptions.specPath(cl, "run");
        MetaforgeCli.checkPluginDirs(cl);
        try (Metaforge mf = cli.runtime(cl)) {
            cli.reportPluginProblems(mf);
            ExperimentSpec spec = SpecOptions.load(mf, specFile, cl);
            Plan plan = mf.plan(spec);
            Path outDir =
                    cl.hasOption("out")
                            ? Path.of(cl.getOptionValue("out"))
                            : Path.of("metaforge-out", spec.name());
            cli.err()
                    .printf(
                            Locale.ROOT,
                            "metaforge run %s: %s on %s (%d train / %d test), seed %d, %s%n",
                            spec.name(),
                            plan.component().id(),
                            spec.dataset(),
                            plan.task().train().size(),
                            plan.task().eval().size(),
                            spec.seed(),
                            Devices.describe(plan.device()));
            long t0 = System.nanoTime();
            RunRecord record = mf.run(plan, cl.hasOption("no-cache"));
            double secs = (System.nanoTime() - t0) / 1e9;
            cli.out().println(RunReportWriter.formatMetrics(record.result()).stripTrailing());
            if (record.cached()) {
                cli.out()
                        .printf(
                                Locale.ROOT,
                                "cached: answered from the store (key %s) in %.2f s; computed %s in"
                                        + " %.1f s.%n",
                                record.key().substring(0, 12),
                                secs,
                                record.provenance().get("started"),
                                ((Number) record.provenance().get("wall_seconds")).doubleValue());
            } else {
                cli.out()
                        .printf(
                                Locale.ROOT,
                                "computed in %.1f s; stored under key %s.%n",
                                secs,
                                record.key().substring(0, 12));
            }
            for (String e : record.result().events()) {
                cli.out().println("event: " + e);
            }
            Map<String, byte[]> images = imageArtifacts(mf.store().get(), record.key());
            if (record.cached() && upToDate(outDir, record.key(), images.keySet())) {
                cli.out()
                        .println(
                                outDir.resolve("report.html")
                                        + " is already this result's report.");
            } else {
                new RunReportWriter().write(record, spec.name(), outDir, images);
                cli.out()
                        .println(
                                "wrote "
                                        + outDir.resolve("result.json")
                                        + " and "
                                        + outDir.resolve("report.html"));
                for (String name : RunReportWriter.writtenImages(outDir)) {
                    cli.out().println("wrote " + outDir.resolve(name));
                }
            }
            return ExitCode.OK;
        }
    }

    /**
     * The binary artefacts of the computation {@code keyHex} that the report shows as images (e.g.
     * zskt's grids of generated samples), by name, in the store's order.
     */
    static Map<String, byte[]> imageArtifacts(ResultStore store, String keyHex) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String name : store.artifactNames(keyHex)) {
            if (RunReportWriter.isImageArtifact(name)) {
                store.getArtifact(keyHex, name).ifPresent(bytes -> out.put(name, bytes));
            }
        }
        return out;
    }

    /**
     * Whether {@code outDir} already holds the report of the result with {@code key}, with every
     * one of its {@code images} written beside it (a report from before images were shown lists
     * none).
     */
    private static boolean upToDate(Path outDir, String key, Set<String> images) {
        List<String> written = RunReportWriter.writtenImages(outDir);
        if (!new HashSet<>(written).equals(images)) {
            return false;
        }
        for (String image : written) {
            if (!java.nio.file.Files.isRegularFile(outDir.resolve(image))) {
                return false;
            }
        }
        Path json = outDir.resolve(RunReportWriter.RESULT_FILE);
        if (!java.nio.file.Files.isRegularFile(json)
                || !java.nio.file.Files.isRegularFile(
                        outDir.resolve(RunReportWriter.REPORT_FILE))) {
            return false;
        }
        try {
            return key.equals(
                    new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(json.toFile())
                            .path("key")
                            .asText());
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code --no-cache}, of run and trial. */
    static Option noCache() {
        return Option.builder()
                .longOpt("no-cache")
                .desc("recompute even if the store has the result")
                .build();
    }

    /** The options shared by run and validate. */
    static List<String> sets(CommandLine cl) {
        String[] v = cl.getOptionValues("set");
        return v == null ? List.of() : Arrays.asList(v);
    }
}

package org.metaforge.experiments.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.metaforge.experiments.report.RunReportWriter;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.framework.run.ExperimentSpec;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunResult;

/**
 * {@code metaforge compare SPEC... --seeds 1,2,3}: runs every spec under every seed (answering from
 * the store what it already holds) and prints a Markdown table of one metric, mean and sample
 * standard deviation over the seeds, with the wall time each run took when it was computed; with
 * {@code --plot NAME}, also one PNG overlaying that plot of every run (e.g. the HPO methods' best
 * validation accuracy against epochs spent). With {@code --paired-with SPEC}, few-shot runs are
 * also compared with that spec's run of the same seed episode by episode ({@link PairedEpisodes}).
 */
final class CompareCommand implements MetaforgeCli.Command {

    @Override
    public Options options() {
        Options o = SpecOptions.options();
        WorkerOptions.addTo(o);
        ExecutorOptions.addTo(o);
        o.addOption(
                Option.builder()
                        .longOpt("seeds")
                        .hasArg()
                        .argName("LIST")
                        .desc("comma-separated master seeds, e.g. 1,2,3 (default: each spec's own)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("metric")
                        .hasArg()
                        .argName("NAME")
                        .desc("the metric to compare (default test_accuracy)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("out")
                        .hasArg()
                        .argName("FILE")
                        .desc("also write the table to FILE")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("plot")
                        .hasArg()
                        .argName("NAME")
                        .desc(
                                "overlay the plot NAME of every run (e.g. best-vs-epochs) in one"
                                        + " PNG")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("plot-out")
                        .hasArg()
                        .argName("FILE")
                        .desc("where --plot writes (default metaforge-out/compare-NAME.png)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("paired-with")
                        .hasArg()
                        .argName("SPEC")
                        .desc(
                                "few-shot runs: also compare every other spec with SPEC (one of the"
                                        + " listed specs, by name or file) episode by episode on"
                                        + " their shared test episodes, seed by seed")
                        .build());
        return o;
    }

    @Override
    public String arguments() {
        return "SPEC...";
    }

    @Override
    public String summary() {
        return "Runs specs under several seeds and tabulates a metric (mean and std over seeds).";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException, IOException {
        if (cl.getArgList().isEmpty()) {
            throw new BadInputException(
                    "'metaforge compare' needs at least one spec file, e.g. 'metaforge compare"
                            + " experiments/specs/quickstart.yaml --seeds 1,2,3'.");
        }
        if (cl.hasOption("seed")) {
            throw new BadInputException(
                    "'metaforge compare' takes --seeds (a list), not --seed; e.g. --seeds 1,2,3.");
        }
        List<Long> seeds = seeds(cl);
        String metric = cl.getOptionValue("metric", "test_accuracy");
        String plotName = cl.getOptionValue("plot");
        if (cl.hasOption("plot-out") && plotName == null) {
            throw new BadInputException(
                    "--plot-out needs --plot NAME, the plot to overlay (e.g. --plot"
                            + " best-vs-epochs).");
        }
        String pairedWith = cl.getOptionValue("paired-with");
        String episodeArtifact = pairedWith == null ? null : PairedEpisodes.artifactFor(metric);
        List<Labeled> plots = new ArrayList<>();
        // Runs without the plot (e.g. a hand-tuned baseline among searches) stay in the table.
        List<String> withoutPlot = new ArrayList<>();
        MetaforgeCli.checkPluginDirs(cl);
        try (Metaforge mf = cli.runtime(cl)) {
            cli.reportPluginProblems(mf);
            // Load and check every spec before running anything.
            List<ExperimentSpec> specs = new ArrayList<>();
            for (String file : cl.getArgList()) {
                ExperimentSpec spec = SpecOptions.load(mf, Path.of(file), cl);
                mf.plan(spec);
                specs.add(spec);
            }
            ExperimentSpec base = pairedWith == null ? null : baseline(specs, cl, pairedWith);
            if (base != null) {
                for (ExperimentSpec spec : specs) {
                    for (long seed : seeds.isEmpty() ? List.of(spec.seed()) : seeds) {
                        PairedEpisodes.checkSameEpisodes(
                                spec.withSeed(seed), seeds.isEmpty() ? base : base.withSeed(seed));
                    }
                }
            }
            Map<String, Map<Long, RunResult>> results = new LinkedHashMap<>();
            List<Row> rows = new ArrayList<>();
            for (ExperimentSpec spec : specs) {
                List<Long> own = seeds.isEmpty() ? List.of(spec.seed()) : seeds;
                Row row = new Row(spec.name(), null, new ArrayList<>(), new ArrayList<>());
                for (long seed : own) {
                    RunRecord r = mf.run(mf.plan(spec.withSeed(seed)), false);
                    Double value = r.result().metrics().get(metric);
                    if (value == null) {
                        throw new BadInputException(
                                "The result of "
                                        + spec.name()
                                        + " (seed "
                                        + seed
                                        + ") has no metric '"
                                        + metric
                                        + "'; it has "
                                        + r.result().metrics().keySet()
                                        + ". Choose one with --metric.");
                    }
                    if (plotName != null) {
                        Plot p = r.result().plots().get(plotName);
                        String label = label(spec.name(), seed, own.size() > 1);
                        if (p == null) {
                            withoutPlot.add(label + " " + r.result().plots().keySet());
                        } else {
                            plots.add(new Labeled(spec.name(), label, p));
                        }
                    }
                    double wall = ((Number) r.provenance().get("wall_seconds")).doubleValue();
                    row = new Row(spec.name(), r.componentId(), row.values(), row.walls());
                    row.values().add(value);
                    row.walls().add(wall);
                    results.computeIfAbsent(spec.name(), k -> new LinkedHashMap<>())
                            .put(seed, r.result());
                    cli.err()
                            .printf(
                                    Locale.ROOT,
                                    "compare: %s seed %d: %s %.4f (%s, %.1f s)%n",
                                    spec.name(),
                                    seed,
                                    metric,
                                    value,
                                    r.cached() ? "from the store" : "computed",
                                    wall);
                }
                rows.add(row);
            }
            String table = table(metric, rows);
            if (base != null) {
                String pairedTable;
                try {
                    pairedTable =
                            PairedEpisodes.table(
                                    metric,
                                    base.name(),
                                    paired(specs, base, results, metric, episodeArtifact));
                } catch (BadInputException e) {
                    // the runs are done and stored; show their table before the error
                    cli.out().print(table);
                    throw e;
                }
                table += "\n" + pairedTable;
            }
            cli.out().print(table);
            if (cl.hasOption("out")) {
                Path out = Path.of(cl.getOptionValue("out"));
                if (out.getParent() != null) {
                    Files.createDirectories(out.getParent());
                }
                Files.writeString(out, table);
                cli.err().println("wrote " + out);
            }
            if (plotName != null && plots.isEmpty()) {
                throw new BadInputException(
                        "No run has a plot '"
                                + plotName
                                + "'; the runs have: "
                                + String.join("; ", withoutPlot)
                                + ". Choose one with --plot (the table above is complete).");
            }
            if (!withoutPlot.isEmpty()) {
                cli.err()
                        .println(
                                "compare: not in the '"
                                        + plotName
                                        + "' plot, as they have no such plot: "
                                        + String.join("; ", withoutPlot));
            }
            if (plotName != null) {
                Path file =
                        Path.of(
                                cl.getOptionValue(
                                        "plot-out", "metaforge-out/compare-" + plotName + ".png"));
                RunReportWriter.writePng(overlay(plots), file);
                cli.err().println("wrote " + file);
            }
            return ExitCode.OK;
        }
    }

    /** The spec {@code wanted} names among {@code specs}, by name or by the file given. */
    private static ExperimentSpec baseline(
            List<ExperimentSpec> specs, CommandLine cl, String wanted) throws BadInputException {
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).name().equals(wanted) || cl.getArgList().get(i).equals(wanted)) {
                return specs.get(i);
            }
        }
        throw new BadInputException(
                "--paired-with "
                        + wanted
                        + ": not one of the specs to compare ("
                        + String.join(", ", specs.stream().map(ExperimentSpec::name).toList())
                        + "). Name the baseline by its spec name or file and list it too, e.g."
                        + " 'metaforge compare a.yaml floor.yaml --paired-with floor.yaml'.");
    }

    /** Every non-baseline run against the baseline's run of the same seed. */
    private static List<PairedEpisodes.Row> paired(
            List<ExperimentSpec> specs,
            ExperimentSpec base,
            Map<String, Map<Long, RunResult>> results,
            String metric,
            String artifact)
            throws BadInputException {
        Map<Long, RunResult> baseRuns = results.get(base.name());
        List<PairedEpisodes.Row> out = new ArrayList<>();
        for (ExperimentSpec spec : specs) {
            if (spec.name().equals(base.name())) {
                continue;
            }
            for (Map.Entry<Long, RunResult> e : results.get(spec.name()).entrySet()) {
                long seed = e.getKey();
                // checkSameEpisodes made sure the baseline ran under this seed too
                RunResult b = baseRuns.get(seed);
                double[] x =
                        PairedEpisodes.accuracies(
                                e.getValue(), artifact, spec.name() + " (seed " + seed + ")");
                double[] y = PairedEpisodes.accuracies(b, artifact, base.name());
                if (x.length != y.length) {
                    throw new BadInputException(
                            spec.name()
                                    + " (seed "
                                    + seed
                                    + ") was scored on "
                                    + x.length
                                    + " episodes and "
                                    + base.name()
                                    + " on "
                                    + y.length
                                    + "; --paired-with needs the same test episodes.");
                }
                out.add(
                        new PairedEpisodes.Row(
                                spec.name(),
                                seed,
                                e.getValue().metrics().get(metric),
                                PairedEpisodes.of(x, y)));
            }
        }
        return out;
    }

    /** A run's plot, its spec and the legend label of its series. */
    record Labeled(String spec, String label, Plot plot) {}

    private static String label(String spec, long seed, boolean severalSeeds) {
        return severalSeeds ? spec + " (seed " + seed + ")" : spec;
    }

    /**
     * One plot holding every series of {@code plots}: a series is named by its run's label, plus
     * its own name when its plot has several series. A spec run with several seeds whose plots each
     * have one series is drawn as one curve, the mean over its seeds ({@link #meanStep}). Title and
     * axes come from the first plot.
     */
    static Plot overlay(List<Labeled> plots) {
        Map<String, List<Labeled>> bySpec = new LinkedHashMap<>();
        for (Labeled l : plots) {
            bySpec.computeIfAbsent(l.spec(), k -> new ArrayList<>()).add(l);
        }
        List<Plot.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<Labeled>> e : bySpec.entrySet()) {
            List<Labeled> runs = e.getValue();
            if (runs.size() > 1 && runs.stream().allMatch(l -> l.plot().series().size() == 1)) {
                series.add(
                        meanStep(
                                e.getKey() + " (mean of " + runs.size() + " seeds)",
                                runs.stream().map(l -> l.plot().series().get(0)).toList()));
                continue;
            }
            for (Labeled l : runs) {
                boolean several = l.plot().series().size() > 1;
                for (Plot.Series s : l.plot().series()) {
                    String name = several ? l.label() + ": " + s.name() : l.label();
                    series.add(new Plot.Series(name, s.x(), s.y()));
                }
            }
        }
        Plot first = plots.get(0).plot();
        return new Plot(first.title(), first.xLabel(), first.yLabel(), series);
    }

    /**
     * The mean of several curves, each held at its last value between its points (right for
     * best-so-far curves, whose value stands until the next trial): one point at every x of any
     * curve from the first x where every curve has a value; a NaN value stays NaN.
     */
    static Plot.Series meanStep(String name, List<Plot.Series> curves) {
        java.util.TreeSet<Double> grid = new java.util.TreeSet<>();
        for (Plot.Series c : curves) {
            for (double x : c.x()) {
                grid.add(x);
            }
        }
        List<double[]> points = new ArrayList<>();
        for (double x : grid) {
            double sum = 0;
            boolean all = true;
            for (Plot.Series c : curves) {
                int last = -1;
                for (int i = 0; i < c.x().length && c.x()[i] <= x; i++) {
                    last = i;
                }
                if (last < 0) {
                    all = false;
                    break;
                }
                sum += c.y()[last];
            }
            if (all) {
                points.add(new double[] {x, sum / curves.size()});
            }
        }
        double[] xs = new double[points.size()];
        double[] ys = new double[points.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = points.get(i)[0];
            ys[i] = points.get(i)[1];
        }
        return new Plot.Series(name, xs, ys);
    }

    /** One spec's figures over the seeds. */
    record Row(String spec, String component, List<Double> values, List<Double> walls) {}

    private static List<Long> seeds(CommandLine cl) throws BadInputException {
        List<Long> out = new ArrayList<>();
        if (!cl.hasOption("seeds")) {
            return out;
        }
        for (String part : cl.getOptionValue("seeds").split(",")) {
            try {
                out.add(Long.parseLong(part.trim()));
            } catch (NumberFormatException e) {
                throw new BadInputException(
                        "--seeds "
                                + cl.getOptionValue("seeds")
                                + ": '"
                                + part.trim()
                                + "' is not a whole number; give a comma-separated list such as"
                                + " 1,2,3.");
            }
        }
        return out;
    }

    /** The Markdown table: mean and sample standard deviation over seeds. */
    static String table(String metric, List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| spec | component | ")
                .append(metric)
                .append(" (mean ± std) | per seed | wall time per run, s (mean ± std) |\n");
        b.append("|---|---|---|---|---|\n");
        for (Row r : rows) {
            List<String> each = new ArrayList<>();
            for (double v : r.values()) {
                each.add(String.format(Locale.ROOT, "%.4f", v));
            }
            b.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %s | %s |%n",
                            r.spec(),
                            r.component(),
                            meanStd(r.values(), "%.4f"),
                            String.join(", ", each),
                            meanStd(r.walls(), "%.1f")));
        }
        return b.toString();
    }

    /** {@code mean ± std} (sample standard deviation), or the single value. */
    static String meanStd(List<Double> v, String format) {
        double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        if (v.size() < 2) {
            return String.format(Locale.ROOT, format, mean);
        }
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(ss / (v.size() - 1));
        return String.format(Locale.ROOT, format + " ± " + format, mean, std);
    }
}

package org.metaforge.experiments.cli;

import java.io.IOException;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.metaforge.experiments.bench.HvpMemoryBenchmark;
import org.metaforge.framework.BadInputException;

/** {@code metaforge bench NAME [ARGS]}: the benchmarks whose figures the README records. */
final class BenchCommand implements MetaforgeCli.Command {

    private static final List<String> NAMES = List.of("hvp-memory");

    @Override
    public Options options() {
        return SpecOptions.options();
    }

    @Override
    public String arguments() {
        return "hvp-memory [STEPS] [DEVICE] | SPEC";
    }

    @Override
    public String summary() {
        return "Runs a benchmark and prints ratios measured in one run. hvp-memory: resident memory"
                + " over STEPS (default 2000) steps of gradient + 7 Hessian-vector products on a"
                + " 47,710-parameter MLP; it must level off. SPEC: the benchmark of the spec's"
                + " component (e.g. fds/forward-hpo: tracked vs plain step cost, memory at H vs 4H;"
                + " zskt/zero-shot: pseudo-batches per second).";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException, IOException {
        List<String> args = cl.getArgList();
        if (args.size() == 1 && (args.get(0).endsWith(".yaml") || args.get(0).endsWith(".yml"))) {
            return component(cl, cli, java.nio.file.Path.of(args.get(0)));
        }
        if (args.isEmpty() || !NAMES.contains(args.get(0))) {
            throw new BadInputException(
                    "'metaforge bench' takes a benchmark name ("
                            + String.join(", ", NAMES)
                            + ") or a spec file whose component has a benchmark.");
        }
        String[] rest = args.subList(1, args.size()).toArray(String[]::new);
        if (rest.length > 0) {
            try {
                if (Integer.parseInt(rest[0]) < 200) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new BadInputException(
                        "STEPS must be a whole number of at least 200, got '" + rest[0] + "'.");
            }
        }
        HvpMemoryBenchmark.main(rest);
        return ExitCode.OK;
    }

    private static int component(CommandLine cl, MetaforgeCli cli, java.nio.file.Path spec)
            throws BadInputException {
        MetaforgeCli.checkPluginDirs(cl);
        try (org.metaforge.framework.Metaforge mf = cli.runtime(cl)) {
            cli.reportPluginProblems(mf);
            org.metaforge.framework.run.Plan plan = mf.plan(SpecOptions.load(mf, spec, cl));
            org.metaforge.framework.run.RunRecord r = mf.runner().benchmark(plan);
            Object lines = r.result().artifacts().get("lines");
            if (lines instanceof List<?> l) {
                l.forEach(cli.out()::println);
            }
            cli.out()
                    .println(
                            "threads "
                                    + r.provenance().get("threads")
                                    + ", device "
                                    + r.provenance().get("device"));
            return ExitCode.OK;
        }
    }
}

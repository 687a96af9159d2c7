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
        return new Options();
    }

    @Override
    public String arguments() {
        return "hvp-memory [STEPS] [DEVICE]";
    }

    @Override
    public String summary() {
        return "Runs a benchmark and prints ratios measured in one run. hvp-memory: resident memory"
                + " over STEPS (default 2000) steps of gradient + 7 Hessian-vector products on a"
                + " 47,710-parameter MLP; it must level off.";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException, IOException {
        List<String> args = cl.getArgList();
        if (args.isEmpty() || !NAMES.contains(args.get(0))) {
            throw new BadInputException(
                    "'metaforge bench' takes a benchmark name: " + String.join(", ", NAMES) + ".");
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
}

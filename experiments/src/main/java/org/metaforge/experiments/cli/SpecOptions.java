package org.metaforge.experiments.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.framework.run.ExperimentSpec;

/** Options that change a spec: seed, device, data, --set overrides. */
final class SpecOptions {

    private SpecOptions() {}

    static Options options() {
        Options o = new Options();
        o.addOption(
                Option.builder()
                        .longOpt("device")
                        .hasArg()
                        .argName("D")
                        .desc("auto | cpu | gpu | gpu:N (overrides the spec)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("seed")
                        .hasArg()
                        .argName("N")
                        .desc("master seed (overrides the spec)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("data")
                        .hasArg()
                        .argName("DIR")
                        .desc("dataset directory (overrides the usual search)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("set")
                        .hasArg()
                        .argName("KEY=VALUE")
                        .desc(
                                "override a spec value, e.g. --set epochs=3 or --set lr=[0.05]; repeatable")
                        .build());
        return o;
    }

    static Path specPath(CommandLine cl, String verb) throws BadInputException {
        if (cl.getArgList().size() != 1) {
            throw new BadInputException(
                    "'metaforge "
                            + verb
                            + "' takes exactly one spec file, got "
                            + cl.getArgList().size()
                            + (cl.getArgList().isEmpty() ? "" : " " + cl.getArgList())
                            + "; e.g. 'metaforge "
                            + verb
                            + " experiments/specs/quickstart.yaml'.");
        }
        return Path.of(cl.getArgList().get(0));
    }

    static ExperimentSpec load(Metaforge mf, Path file, CommandLine cl) throws BadInputException {
        ExperimentSpec spec = mf.specs().load(file);
        spec = mf.specs().override(spec, RunCommand.sets(cl));
        if (cl.hasOption("seed")) {
            try {
                spec = spec.withSeed(Long.parseLong(cl.getOptionValue("seed").trim()));
            } catch (NumberFormatException e) {
                throw new BadInputException(
                        "--seed " + cl.getOptionValue("seed") + " is not a whole number.");
            }
        }
        if (cl.hasOption("device")) {
            spec = spec.withDevice(cl.getOptionValue("device"));
        }
        if (cl.hasOption("data")) {
            spec = spec.withDataDir(Path.of(cl.getOptionValue("data")));
        }
        return spec;
    }
}

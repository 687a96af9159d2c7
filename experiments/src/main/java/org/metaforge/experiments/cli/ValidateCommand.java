package org.metaforge.experiments.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.framework.run.ExperimentSpec;
import org.metaforge.framework.run.Plan;

/** {@code metaforge validate SPEC}: every check of {@code run}, nothing run or written. */
final class ValidateCommand implements MetaforgeCli.Command {

    @Override
    public Options options() {
        return SpecOptions.options();
    }

    @Override
    public String arguments() {
        return "SPEC";
    }

    @Override
    public String summary() {
        return "Checks a spec completely (component, config, data, device) without running it.";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException {
        Path specFile = SpecOptions.specPath(cl, "validate");
        MetaforgeCli.checkPluginDirs(cl);
        try (Metaforge mf = cli.runtime(cl)) {
            boolean broken = cli.reportPluginProblems(mf);
            ExperimentSpec spec = SpecOptions.load(mf, specFile, cl);
            Plan plan = mf.plan(spec);
            cli.out().println("valid: " + spec.where());
            cli.out()
                    .println(
                            "  component  "
                                    + plan.component().id()
                                    + " ("
                                    + plan.component().extensionPoint()
                                    + ")");
            plan.configValues().forEach((k, v) -> cli.out().println("    " + k + " = " + v));
            cli.out().println("  data       " + plan.task().train() + ", " + plan.task().eval());
            cli.out().println("  seed       " + spec.seed());
            cli.out()
                    .println(
                            "  device     "
                                    + org.metaforge.framework.engine.Devices.describe(
                                            plan.device()));
            cli.out().println("  cache key  " + plan.key().hex());
            return broken ? ExitCode.BAD_INPUT : ExitCode.OK;
        }
    }
}

package org.metaforge.experiments.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.framework.run.ExperimentSpec;
import org.metaforge.framework.run.Plan;
import org.metaforge.framework.run.RunRecord;

/** {@code metaforge gradcheck SPEC}: a component's derivatives against finite differences. */
final class GradcheckCommand implements MetaforgeCli.Command {

    @Override
    public Options options() {
        Options o = SpecOptions.options();
        o.addOption(
                Option.builder()
                        .longOpt("steps")
                        .hasArg()
                        .argName("N")
                        .desc("inner steps of the checked horizon (default 40)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("epsilon")
                        .hasArg()
                        .argName("E")
                        .desc("finite-difference step (default 1e-6)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("tolerance")
                        .hasArg()
                        .argName("T")
                        .desc(
                                "largest accepted relative error; above it the exit code is 3 (default 1e-6)")
                        .build());
        return o;
    }

    @Override
    public String arguments() {
        return "SPEC";
    }

    @Override
    public String summary() {
        return "Compares the spec component's analytic derivatives (e.g. forward-mode hypergradients) with"
                + " central finite differences in float64, with clamps off; prints a table and the largest"
                + " relative error.";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException {
        Path specFile = SpecOptions.specPath(cl, "gradcheck");
        int steps = (int) positive(cl, "steps", 40, true);
        double eps = positive(cl, "epsilon", 1e-6, false);
        double tol = positive(cl, "tolerance", 1e-6, false);
        MetaforgeCli.checkPluginDirs(cl);
        try (Metaforge mf = cli.runtime(cl)) {
            cli.reportPluginProblems(mf);
            ExperimentSpec spec = SpecOptions.load(mf, specFile, cl);
            Plan plan = mf.plan(spec);
            cli.err()
                    .printf(
                            Locale.ROOT,
                            "gradcheck %s: %s, %d steps, epsilon %.1e%n",
                            spec.name(),
                            plan.component().id(),
                            steps,
                            eps);
            RunRecord r = mf.runner().gradcheck(plan, steps, eps);
            double worst = r.result().metric("max_relative_error");
            boolean ok = worst <= tol;
            cli.out()
                    .printf(
                            Locale.ROOT,
                            "max relative error %.3e over %.0f derivatives (tolerance %.1e): %s%n",
                            worst,
                            r.result().metric("checked"),
                            tol,
                            ok ? "OK" : "FAILED");
            return ok ? ExitCode.OK : ExitCode.RUN_FAILED;
        }
    }

    private static double positive(CommandLine cl, String name, double dflt, boolean whole)
            throws BadInputException {
        String v = cl.getOptionValue(name);
        if (v == null) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d > 0) || (whole && d != Math.rint(d))) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new BadInputException(
                    "--"
                            + name
                            + " "
                            + v
                            + " must be a positive "
                            + (whole ? "whole number" : "number")
                            + ".");
        }
    }
}

package org.metaforge.experiments.cli;

import java.io.PrintStream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.framework.plugin.ComponentEntry;
import org.metaforge.sdk.config.ConfigSchema;

/** {@code metaforge describe ID}: a component's configuration fields. */
final class DescribeCommand implements MetaforgeCli.Command {

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public String arguments() {
        return "COMPONENT-ID";
    }

    @Override
    public String summary() {
        return "Prints each configuration field of a component with type, default, range and meaning.";
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException {
        if (cl.getArgList().size() != 1) {
            throw new BadInputException(
                    "'metaforge describe' takes one component id, e.g. 'metaforge describe baselines/sgd'.");
        }
        MetaforgeCli.checkPluginDirs(cl);
        PrintStream out = cli.out();
        try (Metaforge mf = cli.runtime(cl)) {
            ComponentEntry e = mf.runner().component(cl.getArgList().get(0), "the command line");
            out.println(
                    e.id()
                            + "  ("
                            + e.extensionPoint()
                            + ", plugin "
                            + e.plugin().id()
                            + " "
                            + e.plugin().version()
                            + ")");
            out.println("  " + e.component().description());
            out.println();
            out.printf(
                    "  %-22s %-16s %-18s %-18s %s%n",
                    "field", "type", "default", "range", "meaning");
            ConfigSchema<?> schema = ConfigSchema.of((Class) e.component().configType());
            for (ConfigSchema.FieldInfo f : schema.fields()) {
                out.printf(
                        "  %-22s %-16s %-18s %-18s %s%n",
                        f.key(),
                        f.type(),
                        f.defaultValue() == null ? "(required)" : f.defaultValue(),
                        f.range().isEmpty() ? "-" : f.range(),
                        f.description());
            }
            return ExitCode.OK;
        }
    }
}

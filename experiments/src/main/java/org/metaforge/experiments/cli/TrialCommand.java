package org.metaforge.experiments.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.framework.engine.EngineInfo;
import org.metaforge.framework.run.ResultCodec;
import org.metaforge.framework.run.RunConsole;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.framework.run.TrialSpec;
import org.metaforge.framework.trial.TaskFiles;
import org.metaforge.framework.trial.TrialChannel;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.Task;

/**
 * {@code metaforge trial SPEC|-}: runs one resolved trial (a {@link TrialSpec} as JSON) and prints
 * its record as JSON; {@code --channel} is how {@code --workers} starts it in each worker, talking
 * to the parent over standard input and output.
 */
final class TrialCommand implements MetaforgeCli.Command {

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(
                Option.builder()
                        .longOpt("result")
                        .hasArg()
                        .argName("FILE")
                        .desc("write the record's JSON to FILE instead of standard output")
                        .build());
        o.addOption(RunCommand.noCache());
        o.addOption(
                Option.builder()
                        .longOpt("channel")
                        .desc(
                                "internal: read the spec from the parent process and use its store,"
                                        + " over standard input and output")
                        .build());
        return o;
    }

    @Override
    public String arguments() {
        return "SPEC.json|-";
    }

    @Override
    public String summary() {
        return "Runs one resolved trial (the JSON that 'run --workers' gives its workers) and"
                + " prints its record; exit codes as for run.";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException, IOException {
        if (cl.hasOption("channel")) {
            return overChannel(cl, cli);
        }
        if (cl.getArgList().size() != 1) {
            throw new BadInputException(
                    "'metaforge trial' takes exactly one trial spec file (or - for standard input),"
                            + " got "
                            + cl.getArgList().size()
                            + ".");
        }
        String source = cl.getArgList().get(0);
        byte[] json;
        try {
            json =
                    source.equals("-")
                            ? System.in.readAllBytes()
                            : Files.readAllBytes(Path.of(source));
        } catch (NoSuchFileException e) {
            throw new BadInputException("Trial spec " + source + " does not exist.", e);
        }
        TrialSpec spec = TrialSpec.fromJson(json, source.equals("-") ? "standard input" : source);
        if (cl.hasOption("no-cache")) {
            spec = withNoCache(spec);
        }
        threads(spec, cl);
        MetaforgeCli.checkPluginDirs(cl);
        var task = TaskFiles.read(spec);
        RunRecord record;
        try (Metaforge mf = cli.runtime(cl)) {
            cli.reportPluginProblems(mf);
            record = mf.runner().trial(spec, task);
        }
        String out =
                new String(
                        ResultCodec.envelope("trial-result", record).payload(),
                        java.nio.charset.StandardCharsets.UTF_8);
        if (cl.hasOption("result")) {
            Files.writeString(Path.of(cl.getOptionValue("result")), out + "\n");
        } else {
            cli.out().println(out);
        }
        return ExitCode.OK;
    }

    /**
     * Runs the trials the parent sends, one after another, until it closes the channel. A trial
     * that fails or is refused is answered as such and the worker goes on; a bug ends it (exit 1),
     * which the parent takes as a crash.
     */
    private static int overChannel(CommandLine cl, MetaforgeCli cli)
            throws BadInputException, IOException {
        TrialChannel channel = TrialChannel.overStandardStreams();
        RunConsole console =
                new RunConsole() {
                    @Override
                    public void info(String message) {
                        cli.err().println(message);
                    }

                    @Override
                    public Progress progress(String label, long total, String unit) {
                        return Progress.none();
                    }
                };
        try (Metaforge mf =
                cli.runtime(
                        cl,
                        Metaforge.builder().console(console).trialStore(channel.store()),
                        console)) {
            cli.reportPluginProblems(mf);
            // the engine starts with --threads before the first trial arrives; a spec keyed for
            // another thread count is refused by the runner
            EngineInfo.threads();
            TrialSpec spec;
            try {
                spec = channel.receiveSpec().orElse(null);
            } catch (BadInputException e) {
                channel.badInput(e.getMessage());
                throw e;
            }
            TrialSpec.TaskRef lastRef = null;
            Task last = null;
            while (spec != null) {
                try {
                    // a search's trials share their data: read it once
                    if (!spec.task().equals(lastRef)) {
                        last = TaskFiles.read(spec);
                        lastRef = spec.task();
                    }
                    channel.done(mf.runner().trial(spec, last));
                } catch (BadInputException | ConfigException e) {
                    channel.badInput(e.getMessage());
                } catch (RunFailedException e) {
                    channel.failed(e.getMessage());
                }
                spec = channel.nextSpec().orElse(null);
            }
        }
        return ExitCode.OK;
    }

    /** Runs this process's engine with the spec's thread count (part of its key). */
    private static void threads(TrialSpec spec, CommandLine cl) throws BadInputException {
        if (cl.hasOption("threads")
                && !cl.getOptionValue("threads").trim().equals(String.valueOf(spec.threads()))) {
            throw new BadInputException(
                    "--threads "
                            + cl.getOptionValue("threads")
                            + " disagrees with the trial spec's "
                            + spec.threads()
                            + " thread(s), which its key names; leave --threads out.");
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(spec.threads()));
    }

    private static TrialSpec withNoCache(TrialSpec s) {
        return new TrialSpec(
                s.format(),
                s.name(),
                s.component(),
                s.pluginVersion(),
                s.config(),
                s.seed(),
                s.device(),
                s.threads(),
                true,
                s.key(),
                s.task());
    }
}

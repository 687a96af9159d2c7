package org.metaforge.experiments.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.Metaforge;
import org.metaforge.framework.run.RunConsole;
import org.metaforge.framework.trial.ProcessTrialExecutor;
import org.metaforge.framework.trial.TrialExecutorFactory;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.store.CorruptRecordException;
import org.metaforge.store.StoreDamagedException;

/**
 * The {@code metaforge} command.
 *
 * <p>Exit codes: 0 done, 2 bad input (no stack trace, nothing written), 3 run failed, 1 bug.
 */
public final class MetaforgeCli {

    static final String USAGE =
            "Usage: metaforge <command> [options]\n"
                    + "Commands:\n"
                    + "  run SPEC        run an experiment spec (or answer it from the store)\n"
                    + "  validate SPEC   check a spec completely without running it\n"
                    + "  list            show plugins, extension points and components\n"
                    + "  plugins [lock]  check plugin jars against plugins.lock, or write it\n"
                    + "  describe ID     show a component's configuration fields\n"
                    + "  runs            list the results in the store\n"
                    + "  show KEY        show a stored result (KEY may be a prefix)\n"
                    + "  compare SPEC... run specs under several seeds, tabulate a metric\n"
                    + "  eval landmarks  landmark metrics (NME, FR, AUC, NMF) of .npy prediction files\n"
                    + "  gradcheck SPEC  check a component's derivatives against finite differences\n"
                    + "  bench NAME      run a benchmark (hvp-memory)\n"
                    + "  trial SPEC      run one resolved trial (what --workers starts in each worker)\n"
                    + "Run 'metaforge <command> --help' for the command's options.";

    private final PrintStream out;
    private final PrintStream err;

    MetaforgeCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Entry point. */
    public static void main(String[] args) {
        configureLogging();
        int code = new MetaforgeCli(System.out, System.err).execute(args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** Quiet third-party loggers unless the user chose levels. */
    static void configureLogging() {
        System.setProperty("java.awt.headless", "true");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
            System.setProperty("org.slf4j.simpleLogger.log.org.pf4j", "off");
            // DJL warns on every start of a CPU-only machine that it found no usable CUDA driver.
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        }
    }

    /** Runs one command; returns the exit code. */
    int execute(String[] args) {
        if (args.length == 0
                || args[0].equals("--help")
                || args[0].equals("-h")
                || args[0].equals("help")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? ExitCode.BAD_INPUT : ExitCode.OK;
        }
        String verb = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        Command command =
                switch (verb) {
                    case "run" -> new RunCommand();
                    case "validate" -> new ValidateCommand();
                    case "list" -> new ListCommand();
                    case "describe" -> new DescribeCommand();
                    case "runs" -> new RunsCommand();
                    case "show" -> new ShowCommand();
                    case "bench" -> new BenchCommand();
                    case "gradcheck" -> new GradcheckCommand();
                    case "compare" -> new CompareCommand();
                    case "eval" -> new EvalCommand();
                    case "plugins" -> new PluginsCommand();
                    case "trial" -> new TrialCommand();
                    default -> null;
                };
        if (command == null) {
            err.println("error: unknown command '" + verb + "'.\n" + USAGE);
            return ExitCode.BAD_INPUT;
        }
        Options options = command.options();
        addCommon(options);
        options.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        CommandLine cl;
        try {
            cl = new DefaultParser().parse(options, rest);
        } catch (ParseException e) {
            err.println("error: " + e.getMessage() + ". Run 'metaforge " + verb + " --help'.");
            return ExitCode.BAD_INPUT;
        }
        if (cl.hasOption("help")) {
            HelpFormatter hf = new HelpFormatter();
            PrintStreamWriter w = new PrintStreamWriter(out);
            hf.printHelp(
                    w,
                    100,
                    "metaforge " + verb + " " + command.arguments(),
                    command.summary(),
                    options,
                    2,
                    4,
                    "");
            w.flush();
            return ExitCode.OK;
        }
        try {
            Optional<WorkerOptions> workers = WorkerOptions.parse(cl);
            if (workers.isPresent()) {
                System.setProperty(
                        "ai.djl.pytorch.num_threads", String.valueOf(workers.get().threads()));
            }
            Optional<ExecutorOptions> executor = ExecutorOptions.parse(cl);
            if (executor.isPresent()) {
                System.setProperty(
                        "ai.djl.pytorch.num_threads", String.valueOf(executor.get().threads()));
            }
            applyThreads(cl);
            return command.execute(cl, this);
        } catch (BadInputException | ConfigException e) {
            err.println("error: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        } catch (CorruptRecordException | StoreDamagedException e) {
            // A damaged store file is bad input, not a bug; the message says what to do.
            err.println("error: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        } catch (RunFailedException e) {
            err.println("run failed: " + e.getMessage());
            return ExitCode.RUN_FAILED;
        } catch (java.util.concurrent.CancellationException e) {
            err.println("cancelled: " + e.getMessage());
            return ExitCode.RUN_FAILED;
        } catch (RuntimeException | java.io.IOException | LinkageError e) {
            err.println("internal error (a bug; please report it with this trace):");
            e.printStackTrace(err);
            return ExitCode.BUG;
        }
    }

    private static void addCommon(Options o) {
        o.addOption(
                Option.builder()
                        .longOpt("plugins")
                        .hasArg()
                        .argName("DIR")
                        .desc(
                                "plugins directory (repeatable; default: the distribution's plugins/,"
                                        + " else $METAFORGE_PLUGINS, else ./plugins)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("store")
                        .hasArg()
                        .argName("PATH")
                        .desc(
                                "result store file (default $METAFORGE_STORE, else ~/.metaforge/store.db)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("lock-wait")
                        .hasArg()
                        .argName("SECONDS")
                        .desc("how long to wait for a store another process holds (default 30)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("threads")
                        .hasArg()
                        .argName("N")
                        .desc(
                                "PyTorch intra-op threads (default: the number of cores); part of the cache key")
                        .build());
    }

    private static void applyThreads(CommandLine cl) throws BadInputException {
        String t = cl.getOptionValue("threads");
        if (cl.hasOption("workers") || cl.hasOption("executor")) {
            // WorkerOptions or ExecutorOptions set the count every trial and the run itself use
        } else if (t == null) {
            if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
                String n = String.valueOf(Runtime.getRuntime().availableProcessors());
                System.setProperty("ai.djl.pytorch.num_threads", n);
            }
        } else {
            try {
                int n = Integer.parseInt(t.trim());
                if (n < 1 || n > 1024) {
                    throw new NumberFormatException();
                }
                System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(n));
            } catch (NumberFormatException e) {
                throw new BadInputException(
                        "--threads " + t + " is not a whole number in [1, 1024].");
            }
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /** Builds a runtime from the common options. */
    Metaforge runtime(CommandLine cl) throws BadInputException {
        CliConsole console = new CliConsole(err);
        return runtime(cl, Metaforge.builder().console(console), console);
    }

    /** Builds a runtime from the common options on {@code b}. */
    Metaforge runtime(CommandLine cl, Metaforge.Builder b, RunConsole console)
            throws BadInputException {
        Optional<WorkerOptions> workers = WorkerOptions.parse(cl);
        if (workers.isPresent()) {
            ProcessTrialExecutor executor =
                    new ProcessTrialExecutor(
                            workerCommand(cl, workers.get().threads()),
                            workers.get().workers(),
                            workers.get().retries(),
                            console::info);
            // workers start up while this process loads plugins and data
            executor.prestart();
            b.trialExecutor(executor);
        }
        Optional<ExecutorOptions> executor = ExecutorOptions.parse(cl);
        if (executor.isPresent()) {
            ExecutorOptions e = executor.get();
            b.trialExecutor(
                    e.factory()
                            .create(
                                    new TrialExecutorFactory.Settings(
                                            workerCommand(cl, e.threads()),
                                            e.conf(),
                                            e.retries(),
                                            console::info)));
        }
        if (cl.hasOption("lock-wait")) {
            try {
                long s = Long.parseLong(cl.getOptionValue("lock-wait").trim());
                if (s < 0) {
                    throw new NumberFormatException();
                }
                b.lockWait(java.time.Duration.ofSeconds(s));
            } catch (NumberFormatException e) {
                throw new BadInputException(
                        "--lock-wait "
                                + cl.getOptionValue("lock-wait")
                                + " is not a whole number of seconds >= 0.");
            }
        }
        for (Path p : pluginDirs(cl)) {
            b.pluginsDir(p);
        }
        if (cl.hasOption("store")) {
            b.store(Path.of(cl.getOptionValue("store")));
        }
        return b.build();
    }

    /**
     * Starts {@code metaforge trial --channel} in a JVM like this one, with its plugins and {@code
     * threads} PyTorch threads.
     */
    private static List<String> workerCommand(CommandLine cl, int threads) {
        List<String> args =
                new ArrayList<>(
                        List.of("trial", "--channel", "--threads", String.valueOf(threads)));
        for (Path p : pluginDirs(cl)) {
            args.add("--plugins");
            args.add(p.toAbsolutePath().toString());
        }
        return ProcessTrialExecutor.javaCommand(MetaforgeCli.class.getName(), args);
    }

    static List<Path> pluginDirs(CommandLine cl) {
        List<Path> dirs = new ArrayList<>();
        String[] given = cl.getOptionValues("plugins");
        if (given != null) {
            for (String g : given) {
                dirs.add(Path.of(g));
            }
            return dirs;
        }
        String home = System.getProperty("metaforge.home");
        String env = System.getenv("METAFORGE_PLUGINS");
        if (home != null) {
            dirs.add(Path.of(home, "plugins"));
        } else if (env != null && !env.isBlank()) {
            dirs.add(Path.of(env));
        } else {
            dirs.add(Path.of("plugins"));
        }
        return dirs;
    }

    /** Checks that a plugins directory exists, for a clear message. */
    static void checkPluginDirs(CommandLine cl) throws BadInputException {
        for (Path p : pluginDirs(cl)) {
            if (!java.nio.file.Files.exists(p)) {
                throw new BadInputException(
                        "Plugins directory "
                                + p
                                + " does not exist. Pass --plugins DIR (a directory of plugin"
                                + " jars), or run the distribution's bin/metaforge.");
            }
        }
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /** Prints the plugins that failed to load, if any; returns whether there were some. */
    boolean reportPluginProblems(Metaforge mf) {
        if (mf.pluginProblems().isEmpty()) {
            return false;
        }
        for (var p : mf.pluginProblems()) {
            err.println("warning: " + p.message());
        }
        return true;
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    /** One verb of the command. */
    interface Command {
        Options options();

        String arguments();

        String summary();

        int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException, java.io.IOException;
    }

    /** Adapts a PrintStream for commons-cli's help printer. */
    private static final class PrintStreamWriter extends java.io.PrintWriter {
        PrintStreamWriter(PrintStream s) {
            super(s, true);
        }
    }
}

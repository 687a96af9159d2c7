package org.metaforge.experiments.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.trial.TrialExecutorFactory;

/**
 * {@code --executor NAME} with {@code --spark-master URL} and {@code --spark-conf KEY=VALUE}: run
 * batches of trials through an executor that ships separately ({@link TrialExecutorFactory}), such
 * as the Apache Spark executor of {@code metaforge-spark}.
 *
 * @param factory the executor's factory
 * @param conf the executor's settings ({@code spark.master} and the {@code --spark-conf} pairs)
 * @param threads PyTorch threads of every trial and of the run itself (part of the cache key)
 * @param retries how often a crashed worker's trial is started again
 */
record ExecutorOptions(
        TrialExecutorFactory factory, Map<String, String> conf, int threads, int retries) {

    /** Adds the options to a verb that runs specs. */
    static void addTo(Options o) {
        o.addOption(
                Option.builder()
                        .longOpt("executor")
                        .hasArg()
                        .argName("NAME")
                        .desc(
                                "run the searches' trials through an executor that ships"
                                        + " separately: spark (metaforge-spark; see the README)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("spark-master")
                        .hasArg()
                        .argName("URL")
                        .desc(
                                "with --executor spark: the master, e.g. local[2] or"
                                        + " spark://host:7077 (default: spark-submit's)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("spark-conf")
                        .hasArg()
                        .argName("KEY=VALUE")
                        .desc(
                                "with --executor spark: a Spark or spark.metaforge.* setting"
                                        + " (repeatable)")
                        .build());
    }

    /**
     * The options given, if {@code --executor} is.
     *
     * @throws BadInputException for an executor that is not on the class path, a malformed setting,
     *     or options that need {@code --executor spark} without it
     */
    static Optional<ExecutorOptions> parse(CommandLine cl) throws BadInputException {
        if (!cl.hasOption("executor")) {
            for (String o : List.of("spark-master", "spark-conf")) {
                if (cl.hasOption(o)) {
                    throw new BadInputException(
                            "--"
                                    + o
                                    + " applies to the Spark executor: give --executor spark as"
                                    + " well.");
                }
            }
            return Optional.empty();
        }
        String name = cl.getOptionValue("executor").trim();
        if (cl.hasOption("workers")) {
            throw new BadInputException(
                    "--workers runs trials as processes on this machine and --executor "
                            + name
                            + " runs them elsewhere; give one of them.");
        }
        TrialExecutorFactory factory =
                TrialExecutorFactory.find(name).orElseThrow(() -> missing(name));
        Map<String, String> conf = new LinkedHashMap<>();
        String[] pairs = cl.getOptionValues("spark-conf");
        for (String pair : pairs == null ? new String[0] : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException(
                        "--spark-conf "
                                + pair
                                + " is not KEY=VALUE; e.g. --spark-conf spark.task.maxFailures=2.");
            }
            conf.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        if (cl.hasOption("spark-master")) {
            conf.put("spark.master", cl.getOptionValue("spark-master").trim());
        }
        int threads =
                WorkerOptions.whole(
                        cl,
                        "worker-threads",
                        1,
                        1024,
                        WorkerOptions.whole(cl, "threads", 1, 1024, taskCpus(conf)));
        int retries = WorkerOptions.whole(cl, "retries", 0, 100, 1);
        return Optional.of(new ExecutorOptions(factory, conf, threads, retries));
    }

    /** Spark's cores per task, the natural thread count of a trial on Spark. */
    private static int taskCpus(Map<String, String> conf) throws BadInputException {
        String v = conf.getOrDefault("spark.task.cpus", "1");
        try {
            return Math.max(1, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            throw new BadInputException("spark.task.cpus " + v + " is not a whole number.");
        }
    }

    private static BadInputException missing(String name) {
        if (name.equals("spark")) {
            return new BadInputException(
                    "--executor spark needs the Spark executor, which is not on this class path:"
                            + " it ships separately (module spark, artifact metaforge-spark) so"
                            + " that the default distribution carries none of Spark's jars. Build"
                            + " it with 'mvn -B -pl spark -am package' and run"
                            + " spark/target/metaforge-spark/bin/metaforge-spark instead of"
                            + " bin/metaforge, or submit to a cluster with spark-submit as the"
                            + " README's section 'Trials on Apache Spark' shows; --workers N runs"
                            + " trials in parallel on this machine without it.");
        }
        List<String> available = TrialExecutorFactory.available();
        return new BadInputException(
                "Unknown --executor '"
                        + name
                        + "'; available here: "
                        + (available.isEmpty() ? "none" : String.join(", ", available))
                        + " (spark comes with metaforge-spark; --workers N runs trials as"
                        + " processes on this machine).");
    }
}

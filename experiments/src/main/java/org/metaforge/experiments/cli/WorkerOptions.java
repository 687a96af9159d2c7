package org.metaforge.experiments.cli;

import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.metaforge.framework.BadInputException;

/**
 * {@code --workers N}, {@code --worker-threads N}, {@code --retries N}: run batches of trials as up
 * to N worker processes.
 *
 * @param workers trials at once
 * @param threads PyTorch threads of every trial (and of the parent's own run, so that every record
 *     names the thread count it was computed with)
 * @param retries how often a crashed worker's trial is started again
 */
record WorkerOptions(int workers, int threads, int retries) {

    /** Adds the options to a verb that runs specs. */
    static void addTo(Options o) {
        o.addOption(
                Option.builder()
                        .longOpt("workers")
                        .hasArg()
                        .argName("N")
                        .desc(
                                "run up to N trials at once, each in its own worker process (the"
                                        + " searches' trials; results identical to a run in one"
                                        + " process with --threads equal to --worker-threads)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("worker-threads")
                        .hasArg()
                        .argName("N")
                        .desc(
                                "PyTorch threads per worker (default --threads if given, else"
                                        + " max(1, cores / workers)); part of the cache key")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("retries")
                        .hasArg()
                        .argName("N")
                        .desc("start a crashed worker's trial again up to N times (default 1)")
                        .build());
    }

    /**
     * The options given, if {@code --workers} is.
     *
     * @throws BadInputException for a value out of range, or worker options without --workers
     */
    static Optional<WorkerOptions> parse(CommandLine cl) throws BadInputException {
        if (cl.hasOption("executor")) {
            // ExecutorOptions reads --worker-threads and --retries
            return Optional.empty();
        }
        if (!cl.hasOption("workers")) {
            for (String o : new String[] {"worker-threads", "retries"}) {
                if (cl.hasOption(o)) {
                    throw new BadInputException(
                            "--"
                                    + o
                                    + " applies to worker processes: give --workers N as well,"
                                    + " e.g. --workers 2.");
                }
            }
            return Optional.empty();
        }
        int workers = whole(cl, "workers", 1, 256, 0);
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = whole(cl, "worker-threads", 1, 1024, Math.max(1, cores / workers));
        if (cl.hasOption("threads")) {
            int t = whole(cl, "threads", 1, 1024, 0);
            if (cl.hasOption("worker-threads") && t != threads) {
                throw new BadInputException(
                        "--threads "
                                + t
                                + " and --worker-threads "
                                + threads
                                + " disagree: with --workers every trial and the run itself use"
                                + " --worker-threads; give one of them.");
            }
            threads = t;
        }
        int retries = whole(cl, "retries", 0, 100, 1);
        return Optional.of(new WorkerOptions(workers, threads, retries));
    }

    static int whole(CommandLine cl, String option, int min, int max, int absent)
            throws BadInputException {
        String v = cl.getOptionValue(option);
        if (v == null) {
            return absent;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException(
                "--"
                        + option
                        + " "
                        + v
                        + " is not a whole number in ["
                        + min
                        + ", "
                        + max
                        + "]"
                        + (option.equals("workers")
                                ? "; give how many trials may run at once, e.g. --workers 2."
                                : "."));
    }
}

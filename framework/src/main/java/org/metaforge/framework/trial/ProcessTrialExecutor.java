package org.metaforge.framework.trial;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.metaforge.framework.run.TrialExecutor;
import org.metaforge.framework.run.TrialJob;
import org.metaforge.framework.run.TrialSpec;
import org.metaforge.framework.run.TrialStore;
import org.metaforge.sdk.run.RunFailedException;

/**
 * Runs trials as worker processes on this machine, up to {@code workers} at a time, each a fresh
 * JVM running {@code metaforge trial --channel} (one trial per process: the engine allows one
 * gradient collection per JVM and frees native memory only with its managers).
 *
 * <p>This process alone opens the store: it serves each worker's store requests over the worker's
 * standard input and output ({@link TrialChannel}) and forwards its standard error, prefixed with
 * the trial's name. A worker that dies without an answer (crash, signal, a bug) is reported by the
 * trial's name and started again, up to {@code retries} times; a trial that fails by itself (exit
 * 3) is not retried. If this process is stopped (Ctrl-C, SIGTERM) its workers are stopped too; if
 * it is killed, they see their input end and halt.
 */
public final class ProcessTrialExecutor implements TrialExecutor {

    private final List<String> command;
    private final int workers;
    private final int retries;
    private final Consumer<String> log;
    private final TaskFiles files = new TaskFiles();
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private final Thread stopper = new Thread(this::stopAll, "metaforge-stop-workers");
    private boolean hooked;

    /**
     * Creates the executor.
     *
     * @param command starts one worker, e.g. {@link #javaCommand}{@code (main, ["trial",
     *     "--channel", ...])}
     * @param workers how many trials run at once, at least 1
     * @param retries how often a crashed worker's trial is started again, at least 0
     * @param log where lines about workers go (their standard error, crashes, retries)
     */
    public ProcessTrialExecutor(
            List<String> command, int workers, int retries, Consumer<String> log) {
        if (workers < 1 || retries < 0) {
            throw new IllegalArgumentException(
                    "workers must be >= 1 and retries >= 0, got " + workers + ", " + retries);
        }
        this.command = List.copyOf(command);
        this.workers = workers;
        this.retries = retries;
        this.log = log;
    }

    /**
     * The command that starts {@code mainClass} with {@code args} in a JVM like this one: the same
     * java binary, class path and JVM options (without this process's thread-count and command-line
     * properties), offline for DJL.
     */
    public static List<String> javaCommand(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(
                ProcessHandle.current()
                        .info()
                        .command()
                        .orElse(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString()));
        boolean offline = false;
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-Dai.djl.pytorch.num_threads=")
                    || a.startsWith("-Dmetaforge.command=")
                    || a.startsWith("-agentlib:jdwp")) {
                continue;
            }
            offline |= a.startsWith("-Dai.djl.offline=");
            cmd.add(a);
        }
        if (!offline) {
            cmd.add("-Dai.djl.offline=true");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    @Override
    public void run(List<TrialJob> jobs, TrialStore store, Consumer<Completion> done) {
        hook();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(workers, jobs.size()));
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            int index = i;
            futures.add(
                    pool.submit(
                            () -> {
                                runJob(index, jobs.get(index), store, done);
                                return null;
                            }));
        }
        pool.shutdown();
        RunFailedException first = null;
        try {
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RunFailedException r) {
                        if (first == null) {
                            first = r;
                            // start no more trials; let the running ones finish into the store
                            futures.forEach(q -> q.cancel(false));
                        }
                    } else if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    } else {
                        throw new IllegalStateException(e.getCause());
                    }
                } catch (java.util.concurrent.CancellationException e) {
                    // a queued trial not started after another failed
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
            stopAll();
            throw new CancellationException("Stopped; the trials that finished are in the store.");
        }
        if (first != null) {
            throw first;
        }
    }

    private void runJob(int index, TrialJob job, TrialStore store, Consumer<Completion> done)
            throws IOException, InterruptedException {
        TrialSpec spec = files.ship(job.spec(), job.task());
        WorkerProcess.Outcome o =
                WorkerProcess.run(
                        command,
                        Map.of(),
                        job.name(),
                        spec,
                        store,
                        retries,
                        log,
                        live::add,
                        live::remove);
        done.accept(o.completion(index, job.name(), "--retries N allows more attempts"));
    }

    private synchronized void hook() {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(stopper);
            hooked = true;
        }
    }

    /** Stops every running worker (SIGTERM, then SIGKILL after 5 s). */
    private void stopAll() {
        for (Process p : live) {
            p.destroy();
        }
        for (Process p : live) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops what still runs and deletes the data files. */
    @Override
    public synchronized void close() {
        stopAll();
        files.close();
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
            hooked = false;
        }
    }
}

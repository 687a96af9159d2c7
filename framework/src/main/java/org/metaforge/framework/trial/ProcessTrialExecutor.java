package org.metaforge.framework.trial;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.metaforge.framework.run.RunRecord;
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
        TrialStoreServer server = new TrialStoreServer(store);
        for (int i = 0; i < jobs.size(); i++) {
            int index = i;
            futures.add(
                    pool.submit(
                            () -> {
                                runJob(index, jobs.get(index), server, done);
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

    private void runJob(int index, TrialJob job, TrialStoreServer server, Consumer<Completion> done)
            throws IOException, InterruptedException {
        TrialSpec spec = files.ship(job.spec(), job.task());
        for (int attempt = 1; ; attempt++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            Outcome o = attempt(job, spec, server);
            if (o.record != null) {
                done.accept(new Completion(index, o.record, null));
                return;
            }
            if (o.failure != null) {
                done.accept(new Completion(index, null, new RunFailedException(o.failure)));
                return;
            }
            if (o.badInput != null) {
                throw new RunFailedException(
                        "The worker refused " + job.name() + ": " + o.badInput);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            String what = "The worker of " + job.name() + " " + o.crash;
            if (attempt > retries) {
                throw new RunFailedException(
                        what
                                + (retries == 0 ? "" : ", " + attempt + " times")
                                + "; the trials that finished are in the store: run the command"
                                + " again to go on from there (--retries N allows more"
                                + " attempts).");
            }
            log.accept(
                    what
                            + "; starting it again (attempt "
                            + (attempt + 1)
                            + " of "
                            + (retries + 1)
                            + ").");
        }
    }

    /** What one worker process gave back: exactly one field is non-null. */
    private record Outcome(RunRecord record, String failure, String badInput, String crash) {}

    private Outcome attempt(TrialJob job, TrialSpec spec, TrialStoreServer server)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        live.add(p);
        Thread forward =
                new Thread(() -> forward(p, job.name()), "metaforge-worker-log-" + p.pid());
        forward.setDaemon(true);
        forward.start();
        Frame last = null;
        try (DataOutputStream toChild =
                        new DataOutputStream(
                                new BufferedOutputStream(p.getOutputStream(), 1 << 16));
                DataInputStream fromChild =
                        new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16))) {
            Frame.of(TrialChannel.TRIAL, (Object) spec.toJson()).write(toChild);
            for (Frame f = Frame.read(fromChild); f != null; f = Frame.read(fromChild)) {
                if (f.op().equals(TrialChannel.DONE)
                        || f.op().equals(TrialChannel.FAILED)
                        || f.op().equals(TrialChannel.BAD_INPUT)) {
                    last = f;
                    break;
                }
                server.serve(f).write(toChild);
            }
        } catch (IOException e) {
            // the worker died mid-conversation: judged by its exit below
        }
        int exit;
        try {
            exit = p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            throw e;
        } finally {
            live.remove(p);
        }
        forward.join(TimeUnit.SECONDS.toMillis(5));
        if (last != null && last.op().equals(TrialChannel.DONE) && exit == 0) {
            return new Outcome(TrialChannel.record(last), null, null, null);
        }
        if (last != null && last.op().equals(TrialChannel.FAILED) && exit == 3) {
            return new Outcome(null, last.text(0), null, null);
        }
        if (last != null && last.op().equals(TrialChannel.BAD_INPUT)) {
            return new Outcome(null, null, last.text(0), null);
        }
        return new Outcome(null, null, null, describeExit(exit));
    }

    private static String describeExit(int exit) {
        if (exit > 128) {
            return "was killed by signal " + (exit - 128) + " (exit code " + exit + ")";
        }
        return "ended with exit code " + exit + " and no result";
    }

    private void forward(Process p, String name) {
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                log.accept("[" + name + "] " + line);
            }
        } catch (IOException e) {
            // the worker ended
        }
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

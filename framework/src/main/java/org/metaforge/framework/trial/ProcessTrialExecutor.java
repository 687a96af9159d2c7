package org.metaforge.framework.trial;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.metaforge.framework.run.TrialExecutor;
import org.metaforge.framework.run.TrialJob;
import org.metaforge.framework.run.TrialSpec;
import org.metaforge.framework.run.TrialStore;
import org.metaforge.sdk.run.RunFailedException;

/**
 * Runs trials in worker processes on this machine, up to {@code workers} at a time: each worker is
 * a JVM running {@code metaforge trial --channel}, which runs the trials it is handed one after
 * another (one at a time, as the engine allows one gradient collection per JVM; each trial's native
 * memory is freed with its manager, as in process). Workers are kept for the next batch (e.g. the
 * next successive-halving rung) until {@link #close()}.
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
    private final Queue<Worker> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;
    private final Thread stopper =
            new Thread(
                    () -> {
                        stopping = true;
                        stopAll();
                    },
                    "metaforge-stop-workers");
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
        TrialStoreServer server = new TrialStoreServer(store);
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        for (int i = 0; i < jobs.size(); i++) {
            queue.add(i);
        }
        AtomicReference<RunFailedException> fatal = new AtomicReference<>();
        int slots = Math.min(workers, jobs.size());
        ExecutorService pool = Executors.newFixedThreadPool(slots);
        List<Future<?>> futures = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            futures.add(
                    pool.submit(
                            () -> {
                                Worker[] slot = {idle.poll()};
                                try {
                                    for (Integer i = queue.poll();
                                            i != null && fatal.get() == null;
                                            i = queue.poll()) {
                                        try {
                                            runJob(i, jobs.get(i), slot, server, done);
                                        } catch (RunFailedException e) {
                                            // start no more trials; the running ones finish
                                            fatal.compareAndSet(null, e);
                                        }
                                    }
                                } finally {
                                    if (slot[0] != null) {
                                        idle.add(slot[0]);
                                    }
                                }
                                return null;
                            }));
        }
        pool.shutdown();
        try {
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
            stopAll();
            throw new CancellationException("Stopped; the trials that finished are in the store.");
        }
        if (fatal.get() != null) {
            throw fatal.get();
        }
    }

    /**
     * Starts the workers now, so that their JVM, plugins and engine start while this process
     * prepares its run; a failure to start is reported when a trial needs the worker.
     */
    public void prestart() {
        hook();
        for (int i = 0; i < workers; i++) {
            try {
                Worker w = Worker.start(command, log);
                live.add(w.process());
                idle.add(w);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Runs one job on the slot's worker (starting one when needed), retrying after crashes. */
    private void runJob(
            int index,
            TrialJob job,
            Worker[] slot,
            TrialStoreServer server,
            Consumer<Completion> done)
            throws IOException, InterruptedException {
        TrialSpec spec = files.ship(job.spec(), job.task());
        for (int attempt = 1; ; attempt++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (stopping) {
                throw new CancellationException(
                        "Stopped; the trials that finished are in the store.");
            }
            if (slot[0] == null) {
                slot[0] = Worker.start(command, log);
                live.add(slot[0].process());
            }
            Worker.Outcome o = slot[0].run(job.name(), spec, server);
            if (o.record() != null) {
                done.accept(new Completion(index, o.record(), null));
                return;
            }
            if (o.failure() != null) {
                done.accept(new Completion(index, null, new RunFailedException(o.failure())));
                return;
            }
            if (o.badInput() != null) {
                throw new RunFailedException(
                        "The worker refused " + job.name() + ": " + o.badInput());
            }
            live.remove(slot[0].process());
            slot[0] = null;
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (stopping) {
                // the worker was stopped with this process (Ctrl-C), not crashed
                throw new CancellationException(
                        "Stopped; the trials that finished are in the store.");
            }
            String what = "The worker of " + job.name() + " " + o.crash();
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

    /** Lets idle workers exit, stops what still runs and deletes the data files. */
    @Override
    public synchronized void close() {
        for (Worker w = idle.poll(); w != null; w = idle.poll()) {
            w.close();
            live.remove(w.process());
        }
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

package org.metaforge.framework.trial;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.framework.run.TrialSpec;
import org.metaforge.framework.run.TrialStore;

/**
 * One worker process ({@code metaforge trial --channel}) and the parent's end of its {@link
 * TrialChannel}: runs trials one after another, serving their store requests. Used by {@link
 * ProcessTrialExecutor} and by executors elsewhere (the Spark executor, inside each task).
 */
public final class Worker {

    /**
     * What a trial gave back: exactly one field is non-null.
     *
     * @param record its record
     * @param failure the message of its own failure (e.g. divergence)
     * @param badInput the message with which the worker refused its spec
     * @param crash how the worker died (it is gone; start another)
     */
    public record Outcome(RunRecord record, String failure, String badInput, String crash) {}

    private final Process process;
    private final DataOutputStream toWorker;
    private final DataInputStream fromWorker;
    private final Thread forward;
    private volatile String name = "worker";

    private Worker(Process process, Consumer<String> log) {
        this.process = process;
        this.toWorker =
                new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        this.fromWorker =
                new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        this.forward = new Thread(() -> forward(log), "metaforge-worker-log-" + process.pid());
        forward.setDaemon(true);
        forward.start();
    }

    /** Starts a worker with {@code command}; its standard error goes to {@code log}. */
    static Worker start(List<String> command, Consumer<String> log) throws IOException {
        return start(command, Map.of(), log);
    }

    /**
     * Starts a worker with {@code command} and {@code env} added to this process's environment; its
     * standard error goes to {@code log}, each line prefixed with the running trial's name.
     */
    public static Worker start(List<String> command, Map<String, String> env, Consumer<String> log)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        return new Worker(pb.start(), log);
    }

    /** The worker's process. */
    public Process process() {
        return process;
    }

    /**
     * Runs one trial on this worker, serving its store requests from {@code store}; after a crash
     * the worker is gone.
     */
    public Outcome run(String trialName, TrialSpec spec, TrialStore store)
            throws InterruptedException {
        return run(trialName, spec, new TrialStoreServer(store));
    }

    /** Runs one trial on this worker; after a crash the worker is gone. */
    Outcome run(String trialName, TrialSpec spec, TrialStoreServer server)
            throws InterruptedException {
        name = trialName;
        try {
            Frame.of(TrialChannel.TRIAL, (Object) spec.toJson()).write(toWorker);
            for (Frame f = Frame.read(fromWorker); f != null; f = Frame.read(fromWorker)) {
                switch (f.op()) {
                    case TrialChannel.DONE:
                        return new Outcome(TrialChannel.record(f), null, null, null);
                    case TrialChannel.FAILED:
                        return new Outcome(null, f.text(0), null, null);
                    case TrialChannel.BAD_INPUT:
                        return new Outcome(null, null, f.text(0), null);
                    default:
                        server.serve(f).write(toWorker);
                }
            }
        } catch (IOException e) {
            // the worker died mid-conversation: judged by its exit below
        }
        int exit = process.waitFor();
        forward.join(TimeUnit.SECONDS.toMillis(5));
        String how =
                exit > 128
                        ? "was killed by signal " + (exit - 128) + " (exit code " + exit + ")"
                        : "ended with exit code " + exit + " and no result";
        return new Outcome(null, null, null, how);
    }

    /**
     * Lets the idle worker exit (its input ends); one still starting up, which has nothing to lose,
     * is stopped after a second rather than waited for.
     */
    public void close() {
        try {
            toWorker.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(1, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void forward(Consumer<String> log) {
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                log.accept("[" + name + "] " + line);
            }
        } catch (IOException e) {
            // the worker ended
        }
    }
}

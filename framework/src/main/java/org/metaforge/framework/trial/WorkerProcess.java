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
import org.metaforge.framework.run.TrialExecutor;
import org.metaforge.framework.run.TrialSpec;
import org.metaforge.framework.run.TrialStore;
import org.metaforge.sdk.run.RunFailedException;

/**
 * One attempt at a trial in a worker process ({@code metaforge trial --channel}): start it, send
 * the spec, serve its store requests from a store until it answers, and judge its exit.
 *
 * <p>Shared by the executors that run trials as child processes: {@link ProcessTrialExecutor} on
 * this machine, and the Spark executor inside each of its tasks.
 */
public final class WorkerProcess {

    private WorkerProcess() {}

    /**
     * What one worker process gave back: exactly one of the fields is non-null.
     *
     * @param envelope the envelope of the trial's record (exit 0), see {@link #record()}
     * @param failure why the trial failed by itself (exit 3)
     * @param badInput why the worker refused the spec (exit 2)
     * @param crash how the worker ended without an answer, e.g. "was killed by signal 9 (exit code
     *     137)"
     */
    public record Outcome(byte[] envelope, String failure, String badInput, String crash) {

        /** The trial's record; only when {@link #envelope} is set. */
        public RunRecord record() {
            return TrialChannel.record(Frame.of(TrialChannel.DONE, (Object) envelope));
        }

        /**
         * The job's completion: its record, or the failure of the trial itself.
         *
         * @param index the job's index in its batch
         * @param name the trial's name
         * @param retryHint how to allow more attempts, e.g. "--retries N allows more attempts"
         * @throws RunFailedException if the worker refused the trial or crashed too often
         */
        public TrialExecutor.Completion completion(int index, String name, String retryHint) {
            if (envelope != null) {
                return new TrialExecutor.Completion(index, record(), null);
            }
            if (failure != null) {
                return new TrialExecutor.Completion(index, null, new RunFailedException(failure));
            }
            if (badInput != null) {
                throw new RunFailedException("The worker refused " + name + ": " + badInput);
            }
            throw new RunFailedException(
                    "The worker of "
                            + name
                            + " "
                            + crash
                            + "; the trials that finished are in the store: run the command"
                            + " again to go on from there ("
                            + retryHint
                            + ").");
        }
    }

    /**
     * Runs attempts until one gives an answer (a record, a failure, a refusal) or {@code retries}
     * more attempts crashed; each crash before the last is logged with the attempt that follows.
     *
     * @param retries how often a crashed worker is started again, at least 0
     * @return the answer, or the last crash (saying how many attempts crashed)
     * @throws InterruptedException if interrupted; the running worker is stopped
     */
    public static Outcome run(
            List<String> command,
            Map<String, String> env,
            String name,
            TrialSpec spec,
            TrialStore store,
            int retries,
            Consumer<String> log,
            Consumer<Process> started,
            Consumer<Process> ended)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            Outcome o = attempt(command, env, name, spec, store, log, started, ended);
            if (o.crash() == null) {
                return o;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (attempt > retries) {
                return retries == 0
                        ? o
                        : new Outcome(null, null, null, o.crash() + ", " + attempt + " times");
            }
            log.accept(
                    "The worker of "
                            + name
                            + " "
                            + o.crash()
                            + "; starting it again (attempt "
                            + (attempt + 1)
                            + " of "
                            + (retries + 1)
                            + ").");
        }
    }

    /**
     * Runs one attempt.
     *
     * @param command starts the worker, e.g. {@link ProcessTrialExecutor#javaCommand}
     * @param env variables added to the worker's environment
     * @param name the trial's name, prefixed to each line of the worker's standard error
     * @param spec the trial, with its data files set
     * @param store serves the worker's store requests
     * @param log receives the worker's standard error, line by line
     * @param started told of the process once started (e.g. to stop it from elsewhere)
     * @param ended told of the process once it has ended
     * @throws InterruptedException if interrupted while waiting for the worker, which is then
     *     stopped
     */
    public static Outcome attempt(
            List<String> command,
            Map<String, String> env,
            String name,
            TrialSpec spec,
            TrialStore store,
            Consumer<String> log,
            Consumer<Process> started,
            Consumer<Process> ended)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p = pb.start();
        started.accept(p);
        Thread forward = new Thread(() -> forward(p, name, log), "metaforge-worker-log-" + p.pid());
        forward.setDaemon(true);
        forward.start();
        TrialStoreServer server = new TrialStoreServer(store);
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
            ended.accept(p);
        }
        forward.join(TimeUnit.SECONDS.toMillis(5));
        if (last != null && last.op().equals(TrialChannel.DONE) && exit == 0) {
            return new Outcome(last.parts().get(0), null, null, null);
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

    private static void forward(Process p, String name, Consumer<String> log) {
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
}

package org.metaforge.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.resource.ResourceInformation;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.run.TrialSpec;
import org.metaforge.framework.trial.Worker;
import scala.Function1;
import scala.Option;
import scala.collection.Iterator;

/**
 * The body of one Spark task, run on an executor: the partition's one trial, in a child process (a
 * {@link WorkerPool} worker, kept for the next task) whose store requests a {@link TaskStore}
 * serves.
 *
 * <p>The trial never runs in the executor's JVM: the engine allows one gradient collection per JVM
 * and frees native memory only when its managers close. A crashed worker is started again up to the
 * task's retries; an executor lost on the way is Spark's to retry ({@code spark.task.maxFailures}).
 * A killed task (a cancelled job) stops its worker.
 */
final class TaskRun implements Function1<Iterator<TrialTask>, TaskOutcome>, Serializable {

    private static final long serialVersionUID = 1L;

    @Override
    public TaskOutcome apply(Iterator<TrialTask> partition) {
        TrialTask t = partition.next();
        TaskContext ctx = TaskContext.get();
        TrialSpec spec = spec(t);
        TaskStore store = new TaskStore(t.snapshot());
        Map<String, String> env = gpuEnv(ctx, spec);
        Worker worker;
        try {
            worker = WorkerPool.take(t.command(), env);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the worker of " + t.name(), e);
        }
        Thread watch = new Thread(() -> stopWhenKilled(ctx, worker), "metaforge-task-watch");
        watch.setDaemon(true);
        watch.start();
        boolean answered = false;
        try {
            Worker.Outcome o = worker.run(t.name(), spec, store);
            if (o.crash() != null) {
                // Spark runs the task again, up to spark.task.maxFailures
                throw new IllegalStateException("The worker of " + t.name() + " " + o.crash());
            }
            answered = true;
            return TaskOutcome.of(t.index(), o, store.writes());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskKilledException("the job was cancelled while " + t.name() + " ran");
        } finally {
            watch.interrupt();
            if (answered && worker.process().isAlive()) {
                WorkerPool.give(t.command(), env, worker);
            } else {
                worker.process().destroyForcibly();
            }
        }
    }

    /** The spec with the data files where this executor has them. */
    private static TrialSpec spec(TrialTask t) {
        TrialSpec spec;
        try {
            spec = TrialSpec.fromJson(t.spec(), t.name());
        } catch (BadInputException e) {
            throw new IllegalStateException("The driver sent a broken trial spec", e);
        }
        if (!t.shipped()) {
            return spec;
        }
        return spec.withFiles(
                SparkFiles.get(spec.task().train().file()),
                SparkFiles.get(spec.task().eval().file()));
    }

    /**
     * Shows a GPU trial only the GPU Spark assigned to this task, as its {@code gpu:0} (the device
     * the trial's key names stays the same on every executor).
     */
    static Map<String, String> gpuEnv(TaskContext ctx, TrialSpec spec) {
        if (ctx == null || !spec.device().startsWith("gpu")) {
            return Map.of();
        }
        Option<ResourceInformation> gpu = ctx.resources().get("gpu");
        if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
            return Map.of();
        }
        return Map.of("CUDA_VISIBLE_DEVICES", String.join(",", gpu.get().addresses()));
    }

    /** Stops the worker once Spark kills the task (Spark's interrupt cannot reach a pipe read). */
    private static void stopWhenKilled(TaskContext ctx, Worker worker) {
        try {
            while (ctx == null || !ctx.isInterrupted()) {
                Thread.sleep(250);
            }
            worker.process().destroyForcibly();
        } catch (InterruptedException e) {
            // the task ended
        }
    }
}

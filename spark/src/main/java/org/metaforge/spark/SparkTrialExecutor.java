package org.metaforge.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.metaforge.framework.run.TrialExecutor;
import org.metaforge.framework.run.TrialJob;
import org.metaforge.framework.run.TrialSpec;
import org.metaforge.framework.run.TrialStore;
import org.metaforge.framework.trial.TaskFiles;
import org.metaforge.framework.trial.TrialExecutorFactory;
import org.metaforge.sdk.run.RunFailedException;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Runs a batch of trials as one Apache Spark job, one trial per task (one partition each); each
 * task runs the trial as a child process on its executor ({@link TaskRun}).
 *
 * <p>The driver alone writes the store: a task serves its trial's reads from a snapshot shipped
 * with it (the artefacts of every computation the trial's configuration names by key) and brings
 * back every write; as each task finishes, the driver replays its writes and hands the record on.
 * The trials' data files are written once per batch on the driver and added to the job ({@code
 * SparkContext.addFile}) unless the executors share the driver's file system. The Spark context is
 * created at the first batch and stopped by {@link #close()}.
 */
final class SparkTrialExecutor implements TrialExecutor {

    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)\\]");

    private final SparkSettings settings;
    private final TrialExecutorFactory.Settings common;
    private final Consumer<String> log;
    private final TaskFiles files = new TaskFiles();
    private final Set<String> added = new HashSet<>();
    private JavaSparkContext context;

    SparkTrialExecutor(SparkSettings settings, TrialExecutorFactory.Settings common) {
        this.settings = settings;
        this.common = common;
        this.log = common.log();
    }

    @Override
    public void run(List<TrialJob> jobs, TrialStore store, Consumer<Completion> done) {
        JavaSparkContext sc = context(jobs);
        List<String> command = settings.workerCommand(common.workerCommand());
        List<TrialTask> tasks = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            TrialJob job = jobs.get(i);
            tasks.add(
                    new TrialTask(
                            i,
                            job.name(),
                            ship(sc, files.ship(job.spec(), job.task())).toJson(),
                            !settings.sharedData(),
                            command,
                            snapshot(job.spec(), store)));
        }
        RDD<TrialTask> rdd = sc.parallelize(tasks, tasks.size()).rdd();
        AtomicReference<RuntimeException> first = new AtomicReference<>();
        AbstractFunction2<Object, TaskOutcome, BoxedUnit> handler =
                new AbstractFunction2<>() {
                    @Override
                    public BoxedUnit apply(Object partition, TaskOutcome o) {
                        finished(jobs.get(o.index()), o, store, done, first);
                        return BoxedUnit.UNIT;
                    }
                };
        String group = "metaforge-" + UUID.randomUUID();
        AtomicReference<Throwable> jobError = new AtomicReference<>();
        Thread submitter =
                new Thread(
                        () -> {
                            try {
                                sc.setJobGroup(group, jobs.size() + " metaforge trials", true);
                                sc.sc()
                                        .runJob(
                                                rdd,
                                                new TaskRun(),
                                                handler,
                                                ClassTag$.MODULE$.apply(TaskOutcome.class));
                            } catch (Throwable e) {
                                jobError.set(e);
                            }
                        },
                        "metaforge-spark-job");
        submitter.setDaemon(true);
        submitter.start();
        try {
            submitter.join();
        } catch (InterruptedException e) {
            sc.cancelJobGroup(group);
            try {
                submitter.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException again) {
                // leave it; the context stops with the runtime
            }
            Thread.currentThread().interrupt();
            throw new CancellationException("Stopped; the trials that finished are in the store.");
        }
        if (first.get() != null) {
            throw first.get();
        }
        if (jobError.get() != null) {
            Throwable e = jobError.get();
            throw new RunFailedException(
                    "The Spark job of "
                            + jobs.size()
                            + " trial(s) failed: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                            + " The trials that finished are in the store: run the command again"
                            + " to go on from there (--retries N allows more attempts of a task"
                            + " whose worker crashed or whose executor was lost).",
                    e);
        }
    }

    /** Writes a finished task's records into the store, then reports the job. */
    private void finished(
            TrialJob job,
            TaskOutcome o,
            TrialStore store,
            Consumer<Completion> done,
            AtomicReference<RuntimeException> first) {
        // an exception here would abort the whole job: keep the first, report it at the end
        try {
            Completion c = o.completion(job.name());
            o.writes().replay(store);
            done.accept(c);
        } catch (RuntimeException e) {
            first.compareAndSet(null, e);
        }
    }

    /** The spec with its data files where executors will find them. */
    private TrialSpec ship(JavaSparkContext sc, TrialSpec spec) {
        if (settings.sharedData()) {
            return spec;
        }
        String train = spec.task().train().file();
        String eval = spec.task().eval().file();
        for (String f : List.of(train, eval)) {
            if (added.add(f)) {
                sc.addFile(f);
            }
        }
        return spec.withFiles(
                Path.of(train).getFileName().toString(), Path.of(eval).getFileName().toString());
    }

    /** The artefacts of every computation the trial's configuration names by its key. */
    private static Map<String, byte[]> snapshot(TrialSpec spec, TrialStore store) {
        Map<String, byte[]> snapshot = new LinkedHashMap<>();
        for (String key : keysIn(spec.config(), new ArrayList<>())) {
            for (String name : store.artifactNames(key)) {
                store.artifact(key, name).ifPresent(b -> snapshot.put(key + "/" + name, b));
            }
        }
        return snapshot;
    }

    /** The cache keys (64 hex digits) among a configuration's values, at any depth. */
    static List<String> keysIn(Object value, List<String> keys) {
        if (value instanceof String s && KEY.matcher(s).matches() && !keys.contains(s)) {
            keys.add(s);
        } else if (value instanceof Map<?, ?> m) {
            m.values().forEach(v -> keysIn(v, keys));
        } else if (value instanceof List<?> l) {
            l.forEach(v -> keysIn(v, keys));
        }
        return keys;
    }

    private synchronized JavaSparkContext context(List<TrialJob> jobs) {
        if (context != null) {
            return context;
        }
        quietStartWarnings();
        SparkConf conf = new SparkConf(true).setAppName("metaforge");
        settings.spark().forEach(conf::set);
        String master = withRetries(conf.get("spark.master"), common.retries());
        conf.setMaster(master);
        conf.setIfMissing("spark.task.maxFailures", String.valueOf(common.retries() + 1));
        if (master.startsWith("local")) {
            // a local master needs no network name; the host's may not resolve in a sandbox
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        } else {
            addTaskJars(conf);
        }
        if (settings.gpu() && jobs.stream().anyMatch(j -> j.spec().device().startsWith("gpu"))) {
            conf.setIfMissing("spark.task.resource.gpu.amount", "1");
        }
        context = new JavaSparkContext(conf);
        log.accept(
                "Spark: master "
                        + context.master()
                        + ", application "
                        + context.sc().applicationId()
                        + (settings.sharedData() ? "" : "; data files are added to each job")
                        + ".");
        return context;
    }

    /**
     * A local master that runs a failed task {@code retries} more times: Spark reads the attempts
     * of a local master from its URL ({@code local[K,F]}), not from {@code spark.task.maxFailures}.
     */
    static String withRetries(String master, int retries) {
        Matcher m = LOCAL.matcher(master);
        return m.matches() ? "local[" + m.group(1) + "," + (retries + 1) + "]" : master;
    }

    /**
     * Adds the jars a task's code needs (this module, the framework, the store, the SDK) to the job
     * ({@code spark.jars}), so that a cluster's executors fetch them from the driver; under
     * spark-submit {@code --jars} may have named them already.
     */
    private static void addTaskJars(SparkConf conf) {
        List<String> jars = new ArrayList<>();
        String given = conf.get("spark.jars", "");
        if (!given.isBlank()) {
            jars.addAll(List.of(given.split(",")));
        }
        for (Class<?> c :
                List.of(
                        SparkTrialExecutor.class,
                        TrialSpec.class,
                        org.metaforge.store.CacheKey.class,
                        RunFailedException.class)) {
            java.security.CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source == null) {
                continue;
            }
            String jar = source.getLocation().toString();
            String name = jar.substring(jar.lastIndexOf('/') + 1);
            if (jars.stream().noneMatch(j -> j.endsWith("/" + name) || j.equals(name))) {
                jars.add(jar);
            }
        }
        conf.set("spark.jars", String.join(",", jars));
    }

    /**
     * Spark warns at every start about a host name resolving to a loopback address and a missing
     * native Hadoop library, neither of which matters here; the user's own levels win.
     */
    private static void quietStartWarnings() {
        for (String logger :
                List.of("org.apache.spark.util.Utils", "org.apache.hadoop.util.NativeCodeLoader")) {
            String property = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(property) == null) {
                System.setProperty(property, "error");
            }
        }
    }

    @Override
    public synchronized void close() {
        if (context != null) {
            boolean local = context.isLocal();
            context.stop();
            if (local) {
                // the executor was this JVM: its idle workers are this run's
                WorkerPool.closeIdle();
            }
        }
        context = null;
        files.close();
    }
}

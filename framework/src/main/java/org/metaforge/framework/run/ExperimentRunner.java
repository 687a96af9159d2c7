package org.metaforge.framework.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.data.Dataset;
import org.metaforge.framework.data.DatasetCatalog;
import org.metaforge.framework.data.DatasetException;
import org.metaforge.framework.engine.Devices;
import org.metaforge.framework.engine.EngineInfo;
import org.metaforge.framework.plugin.ComponentEntry;
import org.metaforge.framework.plugin.PluginHost;
import org.metaforge.framework.plugin.PluginProblem;
import org.metaforge.sdk.Benchmarked;
import org.metaforge.sdk.Distiller;
import org.metaforge.sdk.GradientChecked;
import org.metaforge.sdk.Learner;
import org.metaforge.sdk.MetaOptimizer;
import org.metaforge.sdk.Solver;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.config.Validation;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials;
import org.metaforge.sdk.solver.BoundSolver;
import org.metaforge.store.CacheKey;
import org.metaforge.store.Envelope;

/**
 * Turns a spec into a recorded result: validate everything, look in the store, run, record.
 *
 * <p>{@link #plan} checks the spec without touching the store; {@link #run} answers from the store
 * when it can. Inner runs requested through {@link Trials} are cached the same way, each as its own
 * record.
 */
public final class ExperimentRunner {

    /** Version of the result format; part of every cache key. */
    public static final int RESULT_FORMAT = 1;

    private final PluginHost plugins;
    private final DatasetCatalog catalog;
    private final TrialStore store;
    private final Autodiff autodiff;
    private final RunConsole console;
    private final RuntimeSettings settings;

    @Inject
    ExperimentRunner(
            PluginHost plugins,
            DatasetCatalog catalog,
            TrialStore store,
            Autodiff autodiff,
            RunConsole console,
            RuntimeSettings settings) {
        this.plugins = plugins;
        this.catalog = catalog;
        this.store = store;
        this.autodiff = autodiff;
        this.console = console;
        this.settings = settings;
    }

    /** Checks every part of {@code spec}; nothing is written. */
    public Plan plan(ExperimentSpec spec) throws BadInputException {
        ComponentEntry entry = component(spec.component(), spec.where());
        Record config =
                bind(entry, spec.config(), "config of " + entry.id() + " in " + spec.where());
        Map<String, Object> values = values(entry, config);
        Device device = Devices.resolve(spec.device());
        Dataset data;
        try {
            data = catalog.load(spec.dataset(), spec.dataDir());
        } catch (DatasetException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        if (data.train().size() == 0 && entry.component().readsTaskData()) {
            throw new BadInputException(
                    "Component "
                            + entry.id()
                            + " trains on the task's images, but dataset '"
                            + data.name()
                            + "' in "
                            + spec.where()
                            + " has none; name a dataset such as fashion-mnist or"
                            + " fashion-mnist-subset.");
        }
        Task task = new Task(data.train(), data.test(), "test");
        return new Plan(
                spec,
                entry,
                config,
                values,
                task,
                device,
                key(entry, values, task, spec.seed(), device));
    }

    /**
     * Runs a plan, or returns its stored result.
     *
     * @param noCache recompute even if the store has the result (the new one replaces it)
     * @throws BadInputException if the store cannot be opened
     * @throws RunFailedException if the component failed
     */
    public RunRecord run(Plan plan, boolean noCache) throws BadInputException {
        store.open();
        if (!noCache) {
            Optional<RunRecord> hit = fetch(plan.key(), plan.component().id());
            if (hit.isPresent()) {
                return hit.get();
            }
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        RunResult result =
                invoke(
                        plan.component(),
                        plan.config(),
                        plan.task(),
                        plan.spec().seed(),
                        plan.device(),
                        plan.key(),
                        noCache);
        double wall = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> provenance =
                provenance(
                        plan.component(),
                        plan.configValues(),
                        plan.task(),
                        plan.spec().seed(),
                        plan.device(),
                        started,
                        wall);
        provenance.put("spec", plan.spec().name());
        RunRecord record =
                new RunRecord(plan.component().id(), plan.key().hex(), result, provenance, false);
        store.putResult(
                plan.key(),
                ResultCodec.envelope("run-result", record),
                ResultCodec.summary(record, plan.spec().name()));
        store.deleteCheckpoints(plan.key());
        return record;
    }

    private Optional<RunRecord> fetch(CacheKey key, String id) {
        Optional<Envelope> env = store.result(key);
        if (env.isEmpty()) {
            return Optional.empty();
        }
        RunRecord stored = ResultCodec.decode(env.get());
        return Optional.of(
                new RunRecord(id, key.hex(), stored.result(), stored.provenance(), true));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private RunResult invoke(
            ComponentEntry entry,
            Record config,
            Task task,
            long seed,
            Device device,
            CacheKey key,
            boolean noCache) {
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
        try (NDManager manager = NDManager.newBaseManager(device)) {
            DefaultRunContext ctx =
                    new DefaultRunContext(
                            manager,
                            seed,
                            autodiff,
                            console,
                            new StoreCheckpoints(store, key),
                            new CachingTrials(device, noCache),
                            settings.cancelled(),
                            new StoreArtifacts(store, key),
                            this::bindSolver);
            Object c = entry.component();
            if (c instanceof Learner l) {
                return l.fit(ctx, config, task);
            }
            if (c instanceof MetaOptimizer m) {
                return m.optimize(ctx, config, task);
            }
            if (c instanceof Distiller d) {
                return d.distill(ctx, config, task);
            }
            throw new RunFailedException(
                    "Component "
                            + entry.id()
                            + " is a "
                            + entry.extensionPoint()
                            + ", which cannot be run on its own.");
        }
    }

    /**
     * Runs a component's own gradient check ({@link GradientChecked}) on a plan's data; nothing is
     * cached or stored.
     *
     * @param steps the horizon to check over
     * @param epsilon the finite-difference step
     * @throws BadInputException if the component has no gradient check
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public RunRecord gradcheck(Plan plan, int steps, double epsilon) throws BadInputException {
        GradientChecked g = capability(plan, GradientChecked.class, "gradient check");
        RunRecord r =
                uncached(plan, ctx -> g.gradcheck(ctx, plan.config(), plan.task(), steps, epsilon));
        r.provenance().put("gradcheck_steps", steps);
        r.provenance().put("gradcheck_epsilon", epsilon);
        return r;
    }

    /**
     * Runs a component's own benchmark ({@link Benchmarked}) on a plan's data; nothing is cached.
     *
     * @throws BadInputException if the component has no benchmark
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public RunRecord benchmark(Plan plan) throws BadInputException {
        Benchmarked b = capability(plan, Benchmarked.class, "benchmark");
        return uncached(plan, ctx -> b.benchmark(ctx, plan.config(), plan.task()));
    }

    private <T> T capability(Plan plan, Class<T> type, String what) throws BadInputException {
        Object c = plan.component().component();
        if (type.isInstance(c)) {
            return type.cast(c);
        }
        List<String> having = new ArrayList<>();
        for (ComponentEntry e : plugins.registry().all()) {
            if (type.isInstance(e.component())) {
                having.add(e.id());
            }
        }
        throw new BadInputException(
                "Component "
                        + plan.component().id()
                        + " has no "
                        + what
                        + "; components with one: "
                        + (having.isEmpty() ? "none" : String.join(", ", having))
                        + ".");
    }

    /**
     * Runs {@code body} in a fresh context whose checkpoints live in memory and that runs no
     * trials.
     */
    private RunRecord uncached(Plan plan, java.util.function.Function<RunContext, RunResult> body) {
        long seed = plan.spec().seed();
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        RunResult result;
        try (NDManager manager = NDManager.newBaseManager(plan.device())) {
            DefaultRunContext ctx =
                    new DefaultRunContext(
                            manager,
                            seed,
                            autodiff,
                            console,
                            new MemoryCheckpoints(),
                            (id, cfg, task, s) -> {
                                throw new RunFailedException("This command runs no trials.");
                            },
                            settings.cancelled(),
                            new MemoryArtifacts(plan.key().hex()),
                            this::bindSolver);
            result = body.apply(ctx);
        }
        Map<String, Object> provenance =
                provenance(
                        plan.component(),
                        plan.configValues(),
                        plan.task(),
                        seed,
                        plan.device(),
                        started,
                        (System.nanoTime() - t0) / 1e9);
        return new RunRecord(plan.component().id(), plan.key().hex(), result, provenance, false);
    }

    /**
     * Binds the solver component {@code componentId} to {@code config} and to the run of {@code
     * context}.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private BoundSolver bindSolver(
            RunContext context, String componentId, Map<String, Object> config) {
        String where = "solver config of " + componentId;
        ComponentEntry entry = registered(componentId, where);
        if (!(entry.component() instanceof Solver solver)) {
            throw new ConfigException(
                    where,
                    List.of(
                            "component '"
                                    + componentId
                                    + "' is a "
                                    + entry.extensionPoint()
                                    + ", not a Solver"));
        }
        Record rec;
        try {
            rec = bind(entry, config, where);
        } catch (BadInputException e) {
            throw new ConfigException(where, List.of(e.getMessage()));
        }
        return (f, z0) -> solver.solve(context, rec, f, z0);
    }

    /** The component {@code componentId}, or a configuration error at {@code where}. */
    private ComponentEntry registered(String componentId, String where) {
        return plugins.registry()
                .find(componentId)
                .orElseThrow(
                        () ->
                                new ConfigException(
                                        where,
                                        List.of(
                                                "unknown component '"
                                                        + componentId
                                                        + "'; available: "
                                                        + String.join(
                                                                ", ", plugins.registry().ids()))));
    }

    /** Finds a component or explains what is available. */
    public ComponentEntry component(String id, String where) throws BadInputException {
        Optional<ComponentEntry> e = plugins.registry().find(id);
        if (e.isPresent()) {
            return e.get();
        }
        StringBuilder sb =
                new StringBuilder("Unknown component '")
                        .append(id)
                        .append("' in ")
                        .append(where)
                        .append(". Available components: ")
                        .append(
                                plugins.registry().ids().isEmpty()
                                        ? "none"
                                        : String.join(", ", plugins.registry().ids()))
                        .append(" (see 'metaforge list').");
        for (PluginProblem p : plugins.problems()) {
            sb.append(" Not loaded: ").append(p.message());
        }
        throw new BadInputException(sb.toString());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Record bind(ComponentEntry entry, Map<String, Object> config, String where)
            throws BadInputException {
        List<String> problems = new ArrayList<>();
        Record rec = bindInto(entry, config, where, "", problems);
        if (!problems.isEmpty()) {
            throw new BadInputException(
                    "Invalid " + where + ":\n  - " + String.join("\n  - ", problems));
        }
        return rec;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Record bindInto(
            ComponentEntry entry,
            Map<String, Object> config,
            String where,
            String prefix,
            List<String> problems) {
        Record rec;
        try {
            rec = ConfigSchema.of((Class) entry.component().configType()).bind(config, where);
        } catch (ConfigException e) {
            for (String p : e.problems()) {
                problems.add(prefix + p);
            }
            return null;
        }
        Validation v =
                new Validation() {
                    @Override
                    public void problem(String key, String message) {
                        problems.add(prefix + "'" + key + "': " + message);
                    }

                    @Override
                    public void component(
                            String key, String componentId, Map<String, Object> nested) {
                        Optional<ComponentEntry> inner = plugins.registry().find(componentId);
                        if (inner.isEmpty()) {
                            problems.add(
                                    prefix
                                            + "'"
                                            + key
                                            + "': unknown component '"
                                            + componentId
                                            + "'; available: "
                                            + String.join(", ", plugins.registry().ids()));
                            return;
                        }
                        bindInto(
                                inner.get(),
                                nested == null ? Map.of() : nested,
                                where,
                                prefix + key + ".",
                                problems);
                    }
                };
        ((org.metaforge.sdk.Component) entry.component()).validate(rec, v);
        return rec;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, Object> values(ComponentEntry entry, Record config) {
        return ConfigSchema.of((Class) entry.component().configType()).toValues(config);
    }

    private CacheKey key(
            ComponentEntry entry, Map<String, Object> values, Task task, long seed, Device device) {
        return CacheKey.builder()
                .component(entry.id(), entry.plugin().version())
                .config(values)
                .dataset("train", task.train().fingerprint())
                .dataset(task.evalName(), task.eval().fingerprint())
                .seed(seed)
                .resultFormat(RESULT_FORMAT)
                .extra("device", Devices.describe(device))
                .extra("threads", EngineInfo.threads())
                .build();
    }

    private Map<String, Object> provenance(
            ComponentEntry entry,
            Map<String, Object> values,
            Task task,
            long seed,
            Device device,
            Instant started,
            double wall) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("component", entry.id());
        p.put("plugin", entry.plugin().id());
        p.put("plugin_version", entry.plugin().version());
        p.put("metaforge_version", RuntimeSettings.metaforgeVersion());
        p.put("djl_version", EngineInfo.djlVersion());
        p.put("pytorch_version", EngineInfo.pytorchVersion());
        p.put("config", values);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(
                "train",
                Map.of(
                        "name",
                        task.train().name(),
                        "size",
                        task.train().size(),
                        "fingerprint",
                        task.train().fingerprint()));
        data.put(
                task.evalName(),
                Map.of(
                        "name",
                        task.eval().name(),
                        "size",
                        task.eval().size(),
                        "fingerprint",
                        task.eval().fingerprint()));
        p.put("datasets", data);
        p.put("seed", seed);
        p.put("device", Devices.describe(device));
        p.put("threads", EngineInfo.threads());
        p.put("java", System.getProperty("java.version"));
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        p.put("started", started.toString());
        p.put("wall_seconds", wall);
        return p;
    }

    /**
     * Runs one trial described by a spec, e.g. in a worker process ({@code metaforge trial}),
     * exactly as {@link Trials#run} would have run it in the parent: same key, same record, stored
     * through this runtime's {@link TrialStore}.
     *
     * @param task the data the spec's files held
     * @throws BadInputException if the component, configuration, device, data or thread count do
     *     not give the spec's key
     * @throws RunFailedException if the trial failed
     */
    public RunRecord trial(TrialSpec spec, Task task) throws BadInputException {
        String where = "trial spec " + spec.name();
        ComponentEntry entry = component(spec.component(), where);
        if (!entry.plugin().version().equals(spec.pluginVersion())) {
            throw new BadInputException(
                    where
                            + " asks for "
                            + spec.component()
                            + " of plugin version "
                            + spec.pluginVersion()
                            + ", but version "
                            + entry.plugin().version()
                            + " is loaded; start the worker with the parent's plugin"
                            + " directories.");
        }
        if (EngineInfo.threads() != spec.threads()) {
            throw new BadInputException(
                    where
                            + " was keyed for "
                            + spec.threads()
                            + " PyTorch thread(s), but this process runs "
                            + EngineInfo.threads()
                            + "; start it with --threads "
                            + spec.threads()
                            + ".");
        }
        if (!task.train().fingerprint().equals(spec.task().train().fingerprint())
                || !task.eval().fingerprint().equals(spec.task().eval().fingerprint())
                || !task.evalName().equals(spec.task().evalName())) {
            throw new BadInputException(
                    "The data files of "
                            + where
                            + " do not hold the data it names (fingerprints differ).");
        }
        Record rec = bind(entry, spec.config(), "config of " + where);
        Map<String, Object> values = values(entry, rec);
        Device device = Devices.resolve(spec.device());
        CacheKey key = key(entry, values, task, spec.seed(), device);
        if (!key.hex().equals(spec.key())) {
            throw new BadInputException(
                    where
                            + " names key "
                            + spec.key()
                            + " but its component, configuration, data, seed, device and"
                            + " thread count give "
                            + key.hex()
                            + "; it was written by another version of metaforge or its plugins.");
        }
        store.open();
        return runHere(
                new ResolvedTrial(entry, rec, values, task, spec.seed(), device, key),
                spec.noCache());
    }

    /** A trial request whose component, configuration and key are resolved. */
    private record ResolvedTrial(
            ComponentEntry entry,
            Record config,
            Map<String, Object> values,
            Task task,
            long seed,
            Device device,
            CacheKey key) {

        TrialSpec spec(String name, boolean noCache) {
            return new TrialSpec(
                    TrialSpec.FORMAT,
                    name,
                    entry.id(),
                    entry.plugin().version(),
                    values,
                    seed,
                    Devices.describe(device),
                    EngineInfo.threads(),
                    noCache,
                    key.hex(),
                    new TrialSpec.TaskRef(
                            task.evalName(),
                            new TrialSpec.DataRef(task.train().fingerprint(), null),
                            new TrialSpec.DataRef(task.eval().fingerprint(), null)));
        }
    }

    /** Finds the component and validates the configuration of a trial request. */
    private ResolvedTrial resolve(
            String componentId, Map<String, Object> config, Task task, long seed, Device device) {
        ComponentEntry entry = registered(componentId, "trial");
        Record rec;
        try {
            rec = bind(entry, config, "trial config of " + componentId);
        } catch (BadInputException e) {
            throw new ConfigException("trial config of " + componentId, List.of(e.getMessage()));
        }
        Map<String, Object> values = values(entry, rec);
        return new ResolvedTrial(
                entry, rec, values, task, seed, device, key(entry, values, task, seed, device));
    }

    /** Answers a trial from the store, or runs it in this process and records it. */
    private RunRecord runHere(ResolvedTrial t, boolean noCache) {
        String componentId = t.entry().id();
        if (!noCache) {
            Optional<RunRecord> hit = fetch(t.key(), componentId);
            if (hit.isPresent()) {
                return hit.get();
            }
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        RunResult r =
                invoke(t.entry(), t.config(), t.task(), t.seed(), t.device(), t.key(), noCache);
        double wall = (System.nanoTime() - t0) / 1e9;
        RunRecord record =
                new RunRecord(
                        componentId,
                        t.key().hex(),
                        r,
                        provenance(
                                t.entry(),
                                t.values(),
                                t.task(),
                                t.seed(),
                                t.device(),
                                started,
                                wall),
                        false);
        store.putResult(
                t.key(),
                ResultCodec.envelope("trial-result", record),
                ResultCodec.summary(record, "trial"));
        store.deleteCheckpoints(t.key());
        return record;
    }

    /** Caches each inner run as its own record. */
    private final class CachingTrials implements Trials {
        private final Device device;
        private final boolean noCache;

        CachingTrials(Device device, boolean noCache) {
            this.device = device;
            this.noCache = noCache;
        }

        @Override
        public TrialResult run(
                String componentId, Map<String, Object> config, Task task, long seed) {
            ResolvedTrial t = resolve(componentId, config, task, seed, device);
            openStore();
            RunRecord record = runHere(t, noCache);
            return new TrialResult(record.result(), record.cached(), t.key().hex());
        }

        @Override
        public List<TrialOutcome> runAll(
                List<TrialRequest> requests, Consumer<TrialOutcome> inOrder) {
            TrialExecutor executor = settings.executor();
            if (executor == null) {
                return Trials.super.runAll(requests, inOrder);
            }
            List<ResolvedTrial> resolved = new ArrayList<>();
            for (TrialRequest r : requests) {
                resolved.add(resolve(r.componentId(), r.config(), r.task(), r.seed(), device));
            }
            openStore();
            return new ParallelBatch(
                            requests,
                            resolved.stream()
                                    .map(
                                            t ->
                                                    new ParallelBatch.Resolved(
                                                            t.key(),
                                                            noCache
                                                                    ? Optional.empty()
                                                                    : fetch(
                                                                            t.key(),
                                                                            t.entry().id())))
                                    .toList(),
                            (i, name) -> resolved.get(i).spec(name, noCache),
                            executor,
                            store,
                            settings.cancelled())
                    .run(inOrder);
        }

        private void openStore() {
            try {
                store.open();
            } catch (BadInputException e) {
                throw new RunFailedException(e.getMessage(), e);
            }
        }
    }
}

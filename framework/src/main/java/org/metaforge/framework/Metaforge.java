package org.metaforge.framework;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.metaforge.framework.data.DatasetCatalog;
import org.metaforge.framework.engine.TorchAutodiff;
import org.metaforge.framework.plugin.ComponentRegistry;
import org.metaforge.framework.plugin.PluginHost;
import org.metaforge.framework.plugin.PluginInfo;
import org.metaforge.framework.plugin.PluginProblem;
import org.metaforge.framework.run.ExperimentRunner;
import org.metaforge.framework.run.ExperimentSpec;
import org.metaforge.framework.run.LocalTrialStore;
import org.metaforge.framework.run.Plan;
import org.metaforge.framework.run.RunConsole;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.framework.run.RuntimeSettings;
import org.metaforge.framework.run.SpecLoader;
import org.metaforge.framework.run.StoreAccess;
import org.metaforge.framework.run.TrialExecutor;
import org.metaforge.framework.run.TrialStore;

/**
 * The embeddable runtime: plugins, datasets, store and runner behind one object.
 *
 * <pre>{@code
 * try (Metaforge mf = Metaforge.builder().pluginsDir(Path.of("plugins")).build()) {
 *     RunRecord r = mf.run(mf.specs().load(Path.of("quickstart.yaml")));
 *     System.out.println(r.result().metrics());
 * }
 * }</pre>
 *
 * <p>Owns everything it opens (plugin class loaders, the store, the autodiff module) and closes it
 * in {@link #close()}. One instance per process: the PyTorch engine and the store allow one user at
 * a time. Not thread-safe.
 */
public final class Metaforge implements AutoCloseable {

    private final PluginHost plugins;
    private final StoreAccess store;
    private final TorchAutodiff autodiff;
    private final ExperimentRunner runner;
    private final SpecLoader specs = new SpecLoader();
    private final AtomicBoolean cancelled;
    private final TrialExecutor executor;

    private Metaforge(Builder b) {
        this.cancelled = new AtomicBoolean();
        this.executor = b.executor;
        RuntimeSettings settings =
                new RuntimeSettings(b.store, b.lockWait, cancelled::get, b.executor);
        RunConsole console = b.console;
        this.store = new StoreAccess(settings, console);
        TrialStore trialStore = b.trialStore != null ? b.trialStore : new LocalTrialStore(store);
        this.autodiff = new TorchAutodiff();
        AtomicReference<Injector> injector = new AtomicReference<>();
        this.plugins = PluginHost.load(b.pluginDirs, type -> injector.get().getInstance(type));
        DatasetCatalog catalog = b.catalog != null ? b.catalog : DatasetCatalog.create();
        Injector inj =
                Guice.createInjector(
                        new MetaforgeModule(
                                settings, console, catalog, store, trialStore, autodiff, plugins));
        injector.set(inj);
        this.runner = inj.getInstance(ExperimentRunner.class);
    }

    /** Starts configuring a runtime. */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads specs and applies overrides. */
    public SpecLoader specs() {
        return specs;
    }

    /** Checks a spec completely (component, config, data, device) without running it. */
    public Plan plan(ExperimentSpec spec) throws BadInputException {
        return runner.plan(spec);
    }

    /** Runs a spec, or answers from the store. */
    public RunRecord run(ExperimentSpec spec) throws BadInputException {
        return runner.run(runner.plan(spec), false);
    }

    /** Runs a checked plan; {@code noCache} recomputes even if stored. */
    public RunRecord run(Plan plan, boolean noCache) throws BadInputException {
        return runner.run(plan, noCache);
    }

    /** The runner, for front ends that need more control. */
    public ExperimentRunner runner() {
        return runner;
    }

    /** The registered components. */
    public ComponentRegistry components() {
        return plugins.registry();
    }

    /** The plugins that loaded. */
    public List<PluginInfo> plugins() {
        return plugins.plugins();
    }

    /** The plugins that failed to load, with reasons. */
    public List<PluginProblem> pluginProblems() {
        return plugins.problems();
    }

    /** The store, opened on first use. */
    public StoreAccess store() {
        return store;
    }

    /** Asks the running experiment to stop at its next check. */
    public void cancel() {
        cancelled.set(true);
    }

    @Override
    public void close() {
        try {
            if (executor != null) {
                executor.close();
            }
            store.close();
        } finally {
            try {
                plugins.close();
            } finally {
                autodiff.close();
            }
        }
    }

    /** Configures a {@link Metaforge}. */
    public static final class Builder {
        private final List<Path> pluginDirs = new ArrayList<>();
        private Path store = defaultStore();
        private Duration lockWait = Duration.ofSeconds(30);
        private RunConsole console = RunConsole.logging();
        private DatasetCatalog catalog;
        private TrialExecutor executor;
        private TrialStore trialStore;

        private Builder() {}

        /**
         * Runs batches of trials ({@code Trials.runAll}) through {@code e}, e.g. worker processes;
         * by default they run one after another in this process.
         */
        public Builder trialExecutor(TrialExecutor e) {
            this.executor = e;
            return this;
        }

        /**
         * Serves runs' results, artefacts and checkpoints from {@code s} instead of the store file,
         * as a trial worker process does through its parent; the store file is then never opened.
         */
        public Builder trialStore(TrialStore s) {
            this.trialStore = s;
            return this;
        }

        /** Adds a directory of plugin jars (or a plugin jar, or a development directory). */
        public Builder pluginsDir(Path dir) {
            pluginDirs.add(dir);
            return this;
        }

        /** Sets the store file (default {@code $METAFORGE_STORE}, else ~/.metaforge/store.db). */
        public Builder store(Path file) {
            this.store = file;
            return this;
        }

        /** Sets how long to wait for a store held by another process (default 30 s). */
        public Builder lockWait(Duration wait) {
            this.lockWait = wait;
            return this;
        }

        /** Sets where information lines and progress go (default: the log). */
        public Builder console(RunConsole c) {
            this.console = c;
            return this;
        }

        /** Sets the dataset catalog (default: the standard search order, no downloads). */
        public Builder datasets(DatasetCatalog c) {
            this.catalog = c;
            return this;
        }

        /** Builds the runtime: loads plugins and wires services. */
        public Metaforge build() {
            return new Metaforge(this);
        }

        /** {@code $METAFORGE_STORE}, else {@code ~/.metaforge/store.db}. */
        public static Path defaultStore() {
            String env = System.getenv("METAFORGE_STORE");
            if (env != null && !env.isBlank()) {
                return Path.of(env);
            }
            return Path.of(System.getProperty("user.home"), ".metaforge", "store.db");
        }
    }
}

package org.metaforge.framework.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.run.TrialExecutor;

/**
 * Makes a {@link TrialExecutor} that ships separately from the framework, e.g. the Apache Spark
 * executor of the {@code metaforge-spark} module; found through {@link ServiceLoader} (a {@code
 * META-INF/services/org.metaforge.framework.trial.TrialExecutorFactory} entry), so that the
 * framework and the default distribution do not depend on what it needs.
 */
public interface TrialExecutorFactory {

    /** The name users select it by, e.g. {@code spark}; lowercase. */
    String name();

    /**
     * Creates the executor; nothing is started before its first batch.
     *
     * @throws BadInputException if the settings are incomplete or invalid (the message names the
     *     option and what would be accepted)
     */
    TrialExecutor create(Settings settings) throws BadInputException;

    /**
     * What the caller decides for every executor.
     *
     * @param workerCommand starts {@code metaforge trial --channel} with this process's java, class
     *     path and plugin directories (see {@link ProcessTrialExecutor#javaCommand})
     * @param conf the executor's own settings, e.g. {@code spark.master}
     * @param retries how often a crashed worker's trial is started again, at least 0
     * @param log where lines about trials and workers go
     */
    record Settings(
            List<String> workerCommand,
            Map<String, String> conf,
            int retries,
            Consumer<String> log) {
        public Settings {
            workerCommand = List.copyOf(workerCommand);
            conf = Map.copyOf(conf);
        }
    }

    /** The factory named {@code name} on the class path, if any. */
    static Optional<TrialExecutorFactory> find(String name) {
        for (TrialExecutorFactory f : ServiceLoader.load(TrialExecutorFactory.class)) {
            if (f.name().equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The names of the factories on the class path. */
    static List<String> available() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(TrialExecutorFactory.class).forEach(f -> names.add(f.name()));
        return names;
    }
}

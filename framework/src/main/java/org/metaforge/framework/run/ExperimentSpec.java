package org.metaforge.framework.run;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed experiment spec: which component, its configuration, data, seed and device.
 *
 * @param name the experiment's name (defaults to the file name without extension)
 * @param source the file it came from, or null when built in code
 * @param component full component id, e.g. {@code baselines/sgd}
 * @param config the component's configuration as spec values (kebab-case keys)
 * @param dataset the dataset name, e.g. {@code fashion-mnist-subset}
 * @param dataDir an explicit dataset directory, or null to search the usual places
 * @param seed the master seed
 * @param device {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
 */
public record ExperimentSpec(
        String name,
        Path source,
        String component,
        Map<String, Object> config,
        String dataset,
        Path dataDir,
        long seed,
        String device) {

    /** Copies the configuration map. */
    public ExperimentSpec {
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    }

    /** Where this spec came from, for messages. */
    public String where() {
        return source == null ? "spec '" + name + "'" : source.toString();
    }

    /** This spec with a different seed. */
    public ExperimentSpec withSeed(long newSeed) {
        return new ExperimentSpec(
                name, source, component, config, dataset, dataDir, newSeed, device);
    }

    /** This spec with a different device. */
    public ExperimentSpec withDevice(String newDevice) {
        return new ExperimentSpec(
                name, source, component, config, dataset, dataDir, seed, newDevice);
    }

    /** This spec with a different dataset directory. */
    public ExperimentSpec withDataDir(Path dir) {
        return new ExperimentSpec(name, source, component, config, dataset, dir, seed, device);
    }

    /** This spec with a different configuration. */
    public ExperimentSpec withConfig(Map<String, Object> newConfig) {
        return new ExperimentSpec(
                name, source, component, newConfig, dataset, dataDir, seed, device);
    }
}

package org.metaforge.framework.run;

import ai.djl.Device;
import java.util.Map;
import org.metaforge.framework.plugin.ComponentEntry;
import org.metaforge.sdk.run.Task;
import org.metaforge.store.CacheKey;

/**
 * A spec that passed every check: component found, config bound, data loaded, device resolved.
 *
 * @param spec the spec it was made from
 * @param component the component to run
 * @param config the validated configuration record
 * @param configValues its canonical values (as recorded and hashed)
 * @param task the data
 * @param device the device
 * @param key the cache key
 */
public record Plan(
        ExperimentSpec spec,
        ComponentEntry component,
        Record config,
        Map<String, Object> configValues,
        Task task,
        Device device,
        CacheKey key) {}

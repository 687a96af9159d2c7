package org.metaforge.framework.run;

import java.util.Map;
import org.metaforge.sdk.run.RunResult;

/**
 * One finished run as the runner hands it back and the store keeps it.
 *
 * @param componentId full component id, e.g. {@code baselines/sgd}
 * @param key the cache key (SHA-256 hex)
 * @param result what the component returned
 * @param provenance where the result came from: versions, config, seed, dataset fingerprints,
 *     device, thread count, wall time (JSON-able values)
 * @param cached whether this invocation answered from the store
 */
public record RunRecord(
        String componentId,
        String key,
        RunResult result,
        Map<String, Object> provenance,
        boolean cached) {}

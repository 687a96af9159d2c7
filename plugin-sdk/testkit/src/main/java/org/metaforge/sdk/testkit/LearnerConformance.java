package org.metaforge.sdk.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.metaforge.sdk.Learner;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;

/** What every {@link Learner} must satisfy. */
public final class LearnerConformance {

    private LearnerConformance() {}

    /**
     * Checks {@link ComponentConformance}, then fits {@code config} on {@code task} twice with the
     * same seed: the result names {@code <evalName>_accuracy} in [0, 1], and both runs give
     * identical metrics. Leaves no array on the test's manager.
     *
     * @return the first run's result, for further assertions
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static RunResult check(Learner learner, Map<String, Object> config, Task task) {
        ComponentConformance.check(learner);
        Record rec =
                ConfigSchema.of((Class) learner.configType()).bind(config, "conformance config");
        RunResult first;
        RunResult second;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            try (NDManager run = m.newSubManager()) {
                first = learner.fit(TestRunContext.simple(run, 5), rec, task);
            }
            try (NDManager run = m.newSubManager()) {
                second = learner.fit(TestRunContext.simple(run, 5), rec, task);
            }
            assertEquals(
                    0,
                    m.getManagedArrays().size(),
                    "a learner must not leave arrays outside its run manager");
        }
        String key = task.evalName() + "_accuracy";
        double acc = first.metric(key);
        assertTrue(acc >= 0 && acc <= 1, key + " = " + acc + " must be in [0, 1]");
        assertEquals(
                first.metrics(),
                second.metrics(),
                "same config, task and seed must give the same metrics");
        return first;
    }
}

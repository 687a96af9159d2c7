package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.testkit.LearnerConformance;

class SupportOnlyLearnerTest {

    private static Map<String, Object> small(int steps) {
        Map<String, Object> c = new HashMap<>();
        c.put("ways", 5);
        c.put("shots", 1);
        c.put("queries", 3);
        c.put("channels", 4);
        c.put("test-episodes", 20);
        c.put("validation-fraction", 0.2);
        c.put("steps", steps);
        c.put("lr", 0.01);
        return c;
    }

    @Test
    void conformsAndTrainingOnTheSupportSetBeatsChanceOnBands() {
        RunResult trained =
                LearnerConformance.check(new SupportOnlyLearner(), small(20), MamlTest.TASK);
        RunResult untrained =
                LearnerConformance.check(new SupportOnlyLearner(), small(0), MamlTest.TASK);
        assertEquals(20, ((List<?>) trained.artifacts().get("test_episode_accuracies")).size());
        double acc = trained.metric("test_accuracy");
        // 5-way: chance 0.2; the support loss must have gone down with training.
        assertTrue(acc > 0.3, "accuracy " + acc);
        assertTrue(
                trained.metric("support_loss") < 0.5 * untrained.metric("support_loss"),
                trained.metric("support_loss") + " vs " + untrained.metric("support_loss"));
    }

    @Test
    void rejectsBadValuesNamingTheField() {
        ConfigSchema<SupportOnlyConfig> schema = ConfigSchema.of(SupportOnlyConfig.class);
        Map<String, Object> c = small(1);
        c.put("lr", -1.0);
        ConfigException e = assertThrows(ConfigException.class, () -> schema.bind(c, "t"));
        assertTrue(e.getMessage().contains("'lr': -1 is out of range"), e.getMessage());
        Map<String, Object> c2 = small(1);
        c2.put("train-classes", List.of(0, 1));
        ConfigException e2 = assertThrows(ConfigException.class, () -> schema.bind(c2, "t"));
        assertTrue(
                e2.getMessage().contains("'train-classes': has 2 classes but episodes are 5-way"),
                e2.getMessage());
    }
}

package org.metaforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metaforge.framework.BadInputException;

class SparkSettingsTest {

    private static final List<String> DRIVER =
            List.of("/usr/bin/java", "-cp", "x", "Main", "trial", "--channel", "--threads", "2");

    @Test
    void aLocalMasterSharesTheDriversFilesAndCommand() throws Exception {
        SparkSettings s = SparkSettings.parse(Map.of("spark.master", "local[2]"), Map.of());
        assertTrue(s.sharedData());
        assertFalse(s.gpu());
        assertEquals(DRIVER, s.workerCommand(DRIVER));
        assertEquals(Map.of("spark.master", "local[2]"), s.spark());
    }

    @Test
    void aClusterGetsTheDataAddedAndRunsTheDistributionSparkSubmitNames() throws Exception {
        SparkSettings s =
                SparkSettings.parse(
                        Map.of("spark.metaforge.gpu", "true", "spark.executor.memory", "4g"),
                        Map.of(
                                "spark.master", "spark://host:7077",
                                "spark.metaforge.home", "/opt/metaforge",
                                "spark.metaforge.gpu", "false"));
        assertFalse(s.sharedData(), "spark-submit's master counts");
        assertTrue(s.gpu(), "--spark-conf wins over spark-submit's --conf");
        assertEquals(
                List.of(
                        "/opt/metaforge/bin/metaforge",
                        "trial",
                        "--channel",
                        "--threads",
                        "2",
                        "--plugins",
                        "/opt/metaforge/plugins"),
                s.workerCommand(DRIVER));
        assertEquals(Map.of("spark.executor.memory", "4g"), s.spark());
    }

    @Test
    void reportsEveryBadSettingAtOnce() {
        BadInputException e =
                assertThrows(
                        BadInputException.class,
                        () ->
                                SparkSettings.parse(
                                        Map.of(
                                                "spark.metaforge.gpus", "1",
                                                "spark.metaforge.data.shared", "yes",
                                                "executor.memory", "4g",
                                                "spark.metaforge.plugins", "/p"),
                                        Map.of()));
        String m = e.getMessage();
        assertTrue(m.startsWith("Invalid settings of the Spark executor:"), m);
        for (String part :
                List.of(
                        "unknown setting spark.metaforge.gpus",
                        "spark.metaforge.data.shared yes is not true or false",
                        "executor.memory is not a Spark setting",
                        "no master: give --spark-master",
                        "spark.metaforge.plugins needs spark.metaforge.home")) {
            assertTrue(m.contains(part), part + " in " + m);
        }
    }

    @Test
    void findsTheKeysAConfigurationNamesAtAnyDepth() {
        String a = "a".repeat(64);
        String b = "0123456789abcdef".repeat(4);
        Map<String, Object> config =
                Map.of(
                        "continue-from",
                        a,
                        "nested",
                        Map.of("teachers", List.of(b, a, "not-a-key")),
                        "lr",
                        0.1,
                        "short",
                        "abc123");
        assertEquals(
                List.of(a, b).stream().sorted().toList(),
                SparkTrialExecutor.keysIn(config, new java.util.ArrayList<>()).stream()
                        .sorted()
                        .toList());
    }

    @Test
    void retriesReachALocalMasterThroughItsUrl() {
        assertEquals("local[2,2]", SparkTrialExecutor.withRetries("local[2]", 1));
        assertEquals("local[*,1]", SparkTrialExecutor.withRetries("local[*]", 0));
        assertEquals("local[2,5]", SparkTrialExecutor.withRetries("local[2,5]", 1));
        assertEquals("spark://h:7077", SparkTrialExecutor.withRetries("spark://h:7077", 3));
    }
}

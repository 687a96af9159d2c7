package org.metaforge.sdk.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {

    enum Kind {
        SMALL_NET,
        BIG
    }

    record Sample(
            @Param(value = "learning rate", defaultValue = "0.1", min = 0, minExclusive = true)
                    double learningRate,
            @Param(value = "epochs", defaultValue = "3", min = 1, max = 100) int epochs,
            @Param(value = "network", defaultValue = "small-net") Kind kind,
            @Param(value = "widths", defaultValue = "[8, 4]", min = 1) List<Integer> widths,
            @Param(
                            value = "name",
                            defaultValue = "a",
                            oneOf = {"a", "b"})
                    String name,
            @Param(value = "flag", defaultValue = "false") boolean flag,
            @Param(value = "nested", defaultValue = "{}") Map<String, Object> nested,
            @Param(value = "required seed") long seed) {
        Sample {
            if (epochs == 7 && flag) {
                throw new IllegalArgumentException("'epochs': 7 epochs cannot be flagged");
            }
        }
    }

    record Undescribed(double x) {}

    private static final ConfigSchema<Sample> SCHEMA = ConfigSchema.of(Sample.class);

    @Test
    void bindsDefaultsAndParsesStringsFromOverrides() {
        Sample s =
                SCHEMA.bind(
                        Map.of("seed", "12", "widths", "[3, 5]", "kind", "BIG", "flag", "true"),
                        "t");
        assertEquals(0.1, s.learningRate());
        assertEquals(3, s.epochs());
        assertEquals(Kind.BIG, s.kind());
        assertEquals(List.of(3, 5), s.widths());
        assertEquals(12L, s.seed());
        assertTrue(s.flag());
    }

    @Test
    void reportsEveryProblemAtOnceNamingKeyValueAndRange() {
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("learning-rate", 0);
        bad.put("epochs", 2.5);
        bad.put("kind", "huge");
        bad.put("widths", List.of(0));
        bad.put("name", "c");
        bad.put("colour", "red");
        ConfigException e =
                assertThrows(
                        ConfigException.class, () -> SCHEMA.bind(bad, "config of x in s.yaml"));
        String m = e.getMessage();
        assertTrue(m.startsWith("Invalid config of x in s.yaml:"), m);
        assertTrue(m.contains("'learning-rate': 0 is out of range; accepted: (0, inf)"), m);
        assertTrue(m.contains("'epochs': expected a whole number, got 2.5"), m);
        assertTrue(m.contains("'kind': 'huge' is not one of small-net, big"), m);
        assertTrue(m.contains("'widths': 0 is out of range; accepted: [1, inf)"), m);
        assertTrue(m.contains("'name': 'c' is not one of a, b"), m);
        assertTrue(m.contains("'colour': unknown key; accepted keys are"), m);
        assertTrue(m.contains("'seed': missing; required seed"), m);
        assertEquals(7, e.problems().size());
    }

    @Test
    void crossFieldChecksOfTheRecordArePassedOn() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> SCHEMA.bind(Map.of("seed", 1, "epochs", 7, "flag", true), "t"));
        assertTrue(e.getMessage().contains("7 epochs cannot be flagged"), e.getMessage());
    }

    @Test
    void canonicalValuesAreStableAndKebabCased() {
        Sample s = SCHEMA.bind(Map.of("seed", 5, "epochs", 4.0), "t");
        Map<String, Object> v = SCHEMA.toValues(s);
        assertEquals(
                List.of(
                        "learning-rate",
                        "epochs",
                        "kind",
                        "widths",
                        "name",
                        "flag",
                        "nested",
                        "seed"),
                List.copyOf(v.keySet()));
        assertEquals(4L, v.get("epochs"));
        assertEquals("small-net", v.get("kind"));
        assertEquals(List.of(8L, 4L), v.get("widths"));
        assertEquals(v, SCHEMA.toValues(SCHEMA.bind(v, "again")));
    }

    @Test
    void describesEveryField() {
        ConfigSchema.FieldInfo lr = SCHEMA.fields().get(0);
        assertEquals("learning-rate", lr.key());
        assertEquals("number", lr.type());
        assertEquals("0.1", lr.defaultValue());
        assertEquals("(0, inf)", lr.range());
        assertEquals("[1, 100]", SCHEMA.fields().get(1).range());
        assertEquals("small-net | big", SCHEMA.fields().get(2).range());
        assertEquals("list of integer", SCHEMA.fields().get(3).type());
        assertNull(SCHEMA.fields().get(7).defaultValue());
    }

    @Test
    void refusesRecordsWithUndescribedFields() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> ConfigSchema.of(Undescribed.class));
        assertTrue(e.getMessage().contains("Undescribed.x has no @Param"), e.getMessage());
    }
}

package org.metaforge.sdk.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.metaforge.sdk.Component;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;

/** What every component must satisfy, whatever its extension point. */
public final class ComponentConformance {

    private ComponentConformance() {}

    /**
     * Checks the component's name, description and configuration schema: kebab-case name, one-line
     * description, every field described, defaults that bind (or required fields), and unknown keys
     * rejected with the key named.
     */
    public static void check(Component<?> component) {
        assertNotNull(component.name(), "name");
        assertTrue(
                component.name().matches("[a-z0-9]+(-[a-z0-9]+)*"),
                "name '" + component.name() + "' must be lowercase kebab-case");
        String d = component.description();
        assertNotNull(d, "description");
        assertFalse(d.isBlank(), "description must say what the component does");
        assertFalse(d.contains("\n"), "description must be one line");
        ConfigSchema<?> schema =
                assertDoesNotThrow(
                        () -> ConfigSchema.of(component.configType()),
                        "every config field needs @Param");
        for (ConfigSchema.FieldInfo f : schema.fields()) {
            assertFalse(f.description().isBlank(), "field '" + f.key() + "' needs a description");
        }
        boolean allDefaults = schema.fields().stream().allMatch(f -> f.defaultValue() != null);
        if (allDefaults) {
            assertDoesNotThrow(
                    schema::defaults, "the defaults of " + component.name() + " must be valid");
        }
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> schema.bind(Map.of("no-such-key-xyz", 1), "conformance"));
        assertTrue(
                e.getMessage().contains("no-such-key-xyz"),
                "unknown keys are named: " + e.getMessage());
    }
}

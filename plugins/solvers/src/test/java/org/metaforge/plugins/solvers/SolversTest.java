package org.metaforge.plugins.solvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.Solver;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.testkit.ComponentConformance;

/** The components' descriptions and configurations. */
class SolversTest {

    @Test
    void everySolverConforms() {
        for (Solver<?> solver : Fixtures.solvers()) {
            ComponentConformance.check(solver);
        }
    }

    @Test
    void defaultsFollowTheLdeqReference() {
        AndersonConfig anderson = ConfigSchema.of(AndersonConfig.class).defaults();
        assertEquals(6, anderson.memory());
        assertEquals(1e-4, anderson.lambda());
        assertEquals(1.0, anderson.beta());
        assertEquals(new Stopping(10, 0, 5e-3), anderson.stopping());
        BroydenConfig broyden = ConfigSchema.of(BroydenConfig.class).defaults();
        assertEquals(BroydenMethod.GOOD, broyden.method());
        assertEquals(new Stopping(10, 0, 5e-3), broyden.stopping());
        FixedPointConfig plain = ConfigSchema.of(FixedPointConfig.class).defaults();
        assertEquals(0, plain.damping());
        assertEquals(new Stopping(10, 0, 5e-3), plain.stopping());
    }

    @Test
    void outOfRangeValuesAreRejectedByName() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                ConfigSchema.of(AndersonConfig.class)
                                        .bind(Map.of("memory", 0, "beta", 0), "test"));
        assertTrue(e.getMessage().contains("'memory'"), e.getMessage());
        assertTrue(e.getMessage().contains("'beta'"), e.getMessage());
        e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                ConfigSchema.of(BroydenConfig.class)
                                        .bind(Map.of("method", "ugly"), "t"));
        assertTrue(e.getMessage().contains("good, bad"), e.getMessage());
        e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                ConfigSchema.of(FixedPointConfig.class)
                                        .bind(Map.of("damping", 1, "max-iterations", 0), "t"));
        assertTrue(e.getMessage().contains("'damping'"), e.getMessage());
        assertTrue(e.getMessage().contains("'max-iterations'"), e.getMessage());
    }

    @Test
    void stoppingAcceptsEitherToleranceAndRanksByTheCloserOne() {
        Stopping s = new Stopping(10, 1e-3, 1e-2);
        assertTrue(s.meets(1e-3, 1));
        assertTrue(s.meets(1, 1e-2));
        assertTrue(!s.meets(2e-3, 2e-2));
        assertTrue(!s.meets(Double.NaN, Double.NaN));
        assertEquals(0.5, s.score(5e-4, 1), 1e-15);
        assertEquals(0.5, s.score(1, 5e-3), 1e-15);
        assertEquals(Double.POSITIVE_INFINITY, s.score(Double.NaN, 0));
        Stopping relativeOnly = new Stopping(10, 0, 1e-2);
        assertTrue(relativeOnly.meets(0, 0));
        assertEquals(2, relativeOnly.score(1e-9, 2e-2), 1e-12);
        assertEquals(0.3, new Stopping(10, 0, 0).score(5, 0.3));
    }
}

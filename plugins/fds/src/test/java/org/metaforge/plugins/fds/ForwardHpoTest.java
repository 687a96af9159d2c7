package org.metaforge.plugins.fds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.metric.SearchCurve;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.testkit.ComponentConformance;

class ForwardHpoTest {

    private static final ConfigSchema<ForwardHpoConfig> SCHEMA =
            ConfigSchema.of(ForwardHpoConfig.class);

    @Test
    void conforms() {
        ComponentConformance.check(new ForwardHpo());
    }

    @Test
    void greedyConforms() {
        ComponentConformance.check(new GreedyHpo());
    }

    @Test
    void windowsBelongToTheGreedyComponent() {
        Map<String, String> problems = new java.util.HashMap<>();
        org.metaforge.sdk.config.Validation v =
                new org.metaforge.sdk.config.Validation() {
                    @Override
                    public void problem(String key, String message) {
                        problems.put(key, message);
                    }

                    @Override
                    public void component(
                            String key, String componentId, Map<String, Object> config) {}
                };
        new ForwardHpo().validate(SCHEMA.bind(Map.of("windows", 3), "t"), v);
        assertTrue(problems.get("windows").contains("fds/greedy-hpo"), problems.toString());
        problems.clear();
        new GreedyHpo().validate(SCHEMA.bind(Map.of("windows", 1), "t"), v);
        assertTrue(problems.get("windows").contains("non-greedy"), problems.toString());
        problems.clear();
        ForwardHpoConfig unset = SCHEMA.bind(Map.of("lr-blocks", 5), "t");
        new GreedyHpo().validate(unset, v);
        new ForwardHpo().validate(unset, v);
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(5, GreedyHpo.windows(unset), "one window per learning-rate block");
        assertEquals(4, GreedyHpo.windows(SCHEMA.bind(Map.of("windows", 4), "t")));
    }

    @Test
    void aNanHypergradientLeavesItsBlockAlone() {
        ForwardHpoConfig c = SCHEMA.bind(Map.of("lr-blocks", 2, "lr-init", 0.1), "t");
        OuterState s = OuterState.start(c);
        Map<HyperKind, double[]> g = new EnumMap<>(HyperKind.class);
        g.put(HyperKind.LR, new double[] {-1.0, -1.0});
        g.put(HyperKind.MOMENTUM, new double[] {Double.NaN});
        g.put(HyperKind.WEIGHT_DECAY, new double[] {Double.NaN});
        ForwardHpo.update(c, s, g);
        g.put(HyperKind.LR, new double[] {Double.NaN, 1.0});
        ForwardHpo.update(c, s, g);
        // lr[0] had no signal in the second update: value, step size and sign stay
        assertArrayEquals(new double[] {0.2, 0.15}, s.schedule.values(HyperKind.LR), 1e-15);
        assertArrayEquals(new double[] {0.1, 0.05}, s.stepSizes.get(HyperKind.LR), 1e-15);
        assertArrayEquals(new double[] {-1, 1}, s.signs.get(HyperKind.LR), 0);
        assertArrayEquals(new double[] {0, 0.05}, s.lastDeltas.get(HyperKind.LR), 1e-15);
        assertArrayEquals(new double[] {0.0}, s.schedule.values(HyperKind.MOMENTUM), 0);
    }

    @Test
    void rejectsBadBudgetsAndOutOfRangeTolerancesNamingTheFields() {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                SCHEMA.bind(
                                        Map.of(
                                                "inner-epochs",
                                                List.of(2, -1),
                                                "converged-fraction",
                                                1.5,
                                                "validation-fraction",
                                                0,
                                                "step-decay",
                                                2),
                                        "t"));
        String m = e.getMessage();
        assertTrue(m.contains("'inner-epochs': -1 is out of range"), m);
        assertTrue(m.contains("'converged-fraction': 1.5 is out of range"), m);
        assertTrue(m.contains("'validation-fraction': 0 is out of range"), m);
        assertTrue(m.contains("'step-decay': 2 is out of range"), m);
        ConfigException none =
                assertThrows(
                        ConfigException.class,
                        () ->
                                SCHEMA.bind(
                                        Map.of(
                                                "learn-lr",
                                                false,
                                                "learn-momentum",
                                                false,
                                                "learn-weight-decay",
                                                false),
                                        "t"));
        assertTrue(none.getMessage().contains("at least one of learn-lr"), none.getMessage());
    }

    @Test
    void signStepsHalveOnAFlipAndStayInRange() {
        ForwardHpoConfig c =
                SCHEMA.bind(Map.of("lr-blocks", 2, "lr-init", 0.1, "momentum-init", 0.05), "t");
        OuterState s = OuterState.start(c);
        Map<HyperKind, double[]> g = new EnumMap<>(HyperKind.class);
        g.put(HyperKind.LR, new double[] {-3.0, 2.0});
        g.put(HyperKind.MOMENTUM, new double[] {5.0});
        g.put(HyperKind.WEIGHT_DECAY, new double[] {-1.0});
        ForwardHpo.update(c, s, g);
        // lr: 0.1 + 0.1 and 0.1 - 0.1; momentum 0.05 - 0.1 clamped to 0; wd 0 + 3e-4
        assertArrayEquals(new double[] {0.2, 0.0}, s.schedule.values(HyperKind.LR), 1e-15);
        assertArrayEquals(new double[] {0.0}, s.schedule.values(HyperKind.MOMENTUM), 1e-15);
        assertArrayEquals(new double[] {3e-4}, s.schedule.values(HyperKind.WEIGHT_DECAY), 1e-15);
        g.put(HyperKind.LR, new double[] {4.0, 1.0});
        ForwardHpo.update(c, s, g);
        // lr[0]'s sign flipped: its step halves to 0.05; lr[1] kept its sign: 0 - 0.1 -> 0
        assertArrayEquals(new double[] {0.15, 0.0}, s.schedule.values(HyperKind.LR), 1e-15);
        assertArrayEquals(new double[] {0.05, 0.1}, s.stepSizes.get(HyperKind.LR), 1e-15);
    }

    @Test
    void outerStateSurvivesACheckpoint() {
        ForwardHpoConfig c = SCHEMA.bind(Map.of("lr-blocks", 3), "t");
        OuterState s = OuterState.start(c);
        Map<HyperKind, double[]> g = new EnumMap<>(HyperKind.class);
        for (HyperKind k : HyperKind.values()) {
            g.put(k, new double[s.schedule.blocks(k)]);
        }
        g.put(HyperKind.LR, new double[] {-1, Double.NaN, 2});
        ForwardHpo.update(c, s, g);
        s.history.add(new OuterState.Row(s.schedule, g, 0.5, 0.8, 0.79, -1));
        s.done = 1;
        OuterState back = OuterState.decode(s.encode());
        assertEquals(1, back.done);
        assertArrayEquals(s.schedule.values(HyperKind.LR), back.schedule.values(HyperKind.LR));
        assertArrayEquals(s.stepSizes.get(HyperKind.LR), back.stepSizes.get(HyperKind.LR));
        assertArrayEquals(s.signs.get(HyperKind.LR), back.signs.get(HyperKind.LR));
        assertEquals(0.79, back.history.get(0).testAccuracy());
        assertTrue(Double.isNaN(back.history.get(0).hypergradients().get(HyperKind.LR)[1]));
    }

    @Test
    void bestValidationAccuracyIsPlottedAgainstTheInnerEpochsSpent() {
        ForwardHpoConfig c = SCHEMA.bind(Map.of("inner-epochs", List.of(1, 2, 3, 3)), "t");
        OuterState s = OuterState.start(c);
        Map<HyperKind, double[]> g = new EnumMap<>(HyperKind.class);
        for (HyperKind k : HyperKind.values()) {
            g.put(k, new double[s.schedule.blocks(k)]);
        }
        double[] accuracies = {0.70, Double.NaN, 0.82, 0.80};
        for (double acc : accuracies) {
            s.history.add(new OuterState.Row(s.schedule, g, 1, acc, 0, -1));
        }
        RunResult.Builder out = RunResult.builder();
        Results.fill(out, s, "test", "forward-mode HPO", c.innerEpochs());
        RunResult r = out.build();
        Plot.Series curve = r.plots().get(SearchCurve.PLOT).series().get(0);
        assertEquals("forward-mode HPO", curve.name());
        assertArrayEquals(new double[] {1, 3, 6, 9}, curve.x());
        // a diverged outer step (NaN) spends its epochs and keeps the best so far
        assertArrayEquals(new double[] {0.70, 0.70, 0.82, 0.82}, curve.y());
        assertEquals(9, r.metric("epochs_spent"));
    }

    @Test
    void theBestOuterStepIsTheLowestFiniteValidationLossAndDegradationIsFlagged() {
        ForwardHpoConfig c = SCHEMA.bind(Map.of(), "t");
        assertEquals("best", c.retrainSchedule(), "the guard is on by default");
        OuterState s = OuterState.start(c);
        assertEquals(-1, ForwardHpo.bestOuterStep(s));
        double[] losses = {0.5, 0.37, Double.NaN, 0.40, 0.79};
        for (double loss : losses) {
            s.history.add(
                    new OuterState.Row(s.schedule, new EnumMap<>(HyperKind.class), loss, 0, 0, -1));
        }
        assertEquals(1, ForwardHpo.bestOuterStep(s));
        // 0.40 is within 1.5x of 0.37; 0.79 is 2.1x; the first step has nothing to compare with
        assertTrue(ForwardHpo.degrading(s, 3, 0.40).isEmpty());
        assertTrue(ForwardHpo.degrading(s, 0, 0.5).isEmpty());
        String m = ForwardHpo.degrading(s, 4, 0.79).orElseThrow();
        assertTrue(m.contains("outer step 5") && m.contains("2.1x") && m.contains("step 2"), m);
        // the best is taken over the steps before, not after
        assertTrue(ForwardHpo.degrading(s, 1, 0.8).isPresent());
        assertTrue(ForwardHpo.degrading(s, 2, Double.NaN).isEmpty());
    }

    @Test
    void pruningFollowsTheReferenceRule() {
        InnerLoop.Options alt = new InnerLoop.Options(1, 1, Set.of(), 0, 0, 0.25, "alternate");
        InnerLoop.Options half = new InnerLoop.Options(1, 1, Set.of(), 0, 0, 0.5, "alternate");
        InnerLoop.Options trunc = new InnerLoop.Options(1, 1, Set.of(), 0, 0, 0.25, "truncate");
        // 16 steps, 2 blocks of 8. ratio 0.25 alternate: prune steps 0 and 4 of each block.
        boolean[] expectAlt = {true, false, false, false, true, false, false, false};
        boolean[] expectHalf = {false, true, false, true, false, true, false, true};
        boolean[] expectTrunc = {true, true, false, false, false, false, false, false};
        for (int t = 0; t < 16; t++) {
            assertEquals(expectAlt[t % 8], InnerLoop.pruned(t, 16, 2, alt), "alternate step " + t);
            assertEquals(expectHalf[t % 8], InnerLoop.pruned(t, 16, 2, half), "half step " + t);
            assertEquals(
                    expectTrunc[t % 8], InnerLoop.pruned(t, 16, 2, trunc), "truncate step " + t);
        }
        assertFalse(
                InnerLoop.pruned(
                        3, 16, 2, new InnerLoop.Options(1, 1, Set.of(), 0, 0, 0, "alternate")));
    }

    @Test
    void schedulesSplitTheHorizonIntoEqualBlocks() {
        Schedule s = new Schedule(new double[] {1, 2, 3}, new double[] {0.9}, new double[] {0});
        assertEquals(0, s.block(HyperKind.LR, 3, 12));
        assertEquals(1, s.block(HyperKind.LR, 4, 12));
        assertEquals(2, s.block(HyperKind.LR, 11, 12));
        assertEquals(3.0, s.at(HyperKind.LR, 11, 12));
        assertEquals(0.9, s.at(HyperKind.MOMENTUM, 11, 12));
    }
}

package org.metaforge.plugins.fds;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Piecewise-constant schedules of learning rate, momentum and weight decay: value {@code i} of
 * {@code n} applies to the {@code i}-th of {@code n} equal contiguous blocks of the steps (the
 * paper's hyperparameter sharing). Immutable.
 */
final class Schedule {

    private final Map<HyperKind, double[]> values;

    Schedule(double[] lrs, double[] moms, double[] wds) {
        values = new EnumMap<>(HyperKind.class);
        values.put(HyperKind.LR, lrs.clone());
        values.put(HyperKind.MOMENTUM, moms.clone());
        values.put(HyperKind.WEIGHT_DECAY, wds.clone());
    }

    /** A copy of the values of {@code kind}. */
    double[] values(HyperKind kind) {
        return values.get(kind).clone();
    }

    /** Number of blocks of {@code kind}. */
    int blocks(HyperKind kind) {
        return values.get(kind).length;
    }

    /** The block of {@code kind} that step {@code step} of {@code total} falls in. */
    int block(HyperKind kind, long step, long total) {
        int n = blocks(kind);
        return (int) Math.min(n - 1, step * n / total);
    }

    /** The value of {@code kind} at step {@code step} of {@code total}. */
    double at(HyperKind kind, long step, long total) {
        return values.get(kind)[block(kind, step, total)];
    }

    /** This schedule with the values of {@code kind} replaced. */
    Schedule with(HyperKind kind, double[] v) {
        Schedule s =
                new Schedule(
                        values(HyperKind.LR),
                        values(HyperKind.MOMENTUM),
                        values(HyperKind.WEIGHT_DECAY));
        s.values.put(kind, v.clone());
        return s;
    }

    /** The values as lists, for results and for {@code baselines/sgd}'s configuration. */
    List<Double> list(HyperKind kind) {
        return Arrays.stream(values.get(kind)).boxed().toList();
    }

    @Override
    public String toString() {
        return "lr "
                + Arrays.toString(values.get(HyperKind.LR))
                + ", momentum "
                + Arrays.toString(values.get(HyperKind.MOMENTUM))
                + ", weight decay "
                + Arrays.toString(values.get(HyperKind.WEIGHT_DECAY));
    }
}

package org.metaforge.plugins.fds;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.Losses;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.Seeds;

/**
 * SGD with momentum and weight decay under a piecewise-constant schedule, carrying forward-mode
 * tangents of the weights with respect to the tracked hyperparameters.
 *
 * <p>The update is {@code v <- mu v + (g + lambda w); w <- w - eta v}. With {@code Z_j = dw/dh_j}
 * and {@code C_j = dv/dh_j}, every step does (eq. 7-9 of the long-horizon HPO paper, with exact
 * Hessian-vector products {@code H Z_j} for the blocks already reached):
 *
 * <pre>
 *   C_j' = mu C_j + H Z_j + lambda Z_j        (+ v     for a momentum block j in use)
 *                                              (+ w     for a weight-decay block j in use)
 *   Z_j' = (1 - eta lambda) Z_j - eta H Z_j - eta mu C_j
 *          - (g + lambda w + mu v)             for a learning-rate block j in use
 *          - eta v                             for a momentum block j in use
 *          - eta w                             for a weight-decay block j in use
 * </pre>
 *
 * Memory is constant in the horizon: only w, v and the tangents are carried. Each step's
 * temporaries live in a sub-manager closed at the end of the step.
 */
final class InnerLoop {

    /** A mini-batch loss above this only comes from weights that blew up. */
    static final double DIVERGED_LOSS = 1e3;

    /**
     * How to run.
     *
     * @param batchSize samples per step
     * @param epochs passes over the data
     * @param tracked which hyperparameter kinds carry tangents (empty: plain SGD)
     * @param clampGrad elementwise clamp of the gradient (0: off)
     * @param clampHz elementwise clamp of the Hessian-vector products (0: off)
     * @param pruningRatio fraction of steps per block whose tangent update is skipped
     * @param pruningMode {@code alternate} or {@code truncate}
     * @param windowSteps greedy mode when positive: the horizon is cut into windows of this many
     *     steps, the tangents restart from zero at each window and {@link WindowEnd} is called
     *     after each; 0 tracks the whole horizon (the non-greedy method)
     */
    record Options(
            int batchSize,
            int epochs,
            Set<HyperKind> tracked,
            double clampGrad,
            double clampHz,
            double pruningRatio,
            String pruningMode,
            long windowSteps) {

        /** Options for a run tracked over its whole horizon. */
        Options(
                int batchSize,
                int epochs,
                Set<HyperKind> tracked,
                double clampGrad,
                double clampHz,
                double pruningRatio,
                String pruningMode) {
            this(batchSize, epochs, tracked, clampGrad, clampHz, pruningRatio, pruningMode, 0);
        }
    }

    /**
     * The end of one window of a greedy run.
     *
     * @param from first step of the window
     * @param to one past its last step
     * @param total steps of the whole run
     * @param weights the weights after the window (borrowed: do not close)
     * @param state the batch-norm buffers after the window
     * @param tangents per tracked kind and block, {@code dw/dh_j} accumulated over this window only
     * @param updates per tracked kind, steps of the window that updated its tangents
     * @param schedule the schedule in use
     */
    record Window(
            long from,
            long to,
            long total,
            NDArray weights,
            ModelState state,
            Map<HyperKind, List<NDArray>> tangents,
            Map<HyperKind, Integer> updates,
            Schedule schedule) {

        /** The first block of {@code kind} this window reached. */
        int firstBlock(HyperKind kind) {
            return schedule.block(kind, from, total);
        }

        /** The last block of {@code kind} this window reached. */
        int lastBlock(HyperKind kind) {
            return schedule.block(kind, to - 1, total);
        }
    }

    /**
     * Called after each window of a greedy run; returns the schedule for the steps after it, or
     * null to end the run there.
     */
    interface WindowEnd {
        Schedule after(Window window);
    }

    private InnerLoop() {}

    /** Steps per epoch over {@code n} samples. */
    static int stepsPerEpoch(int n, int batchSize) {
        return (n + batchSize - 1) / batchSize;
    }

    /**
     * Runs the inner loop from {@code w0} (not modified) on {@code data}.
     *
     * @param shuffleSeed seeds the per-epoch order (epoch {@code e} uses {@code shuffleSeed + e})
     */
    static TrackedRun run(
            RunContext ctx,
            FunctionalModel model,
            NDArray w0,
            ModelState state0,
            LabeledImages data,
            Schedule schedule,
            Options o,
            long shuffleSeed,
            Progress progress) {
        return run(ctx, model, w0, state0, data, schedule, o, shuffleSeed, progress, null);
    }

    /**
     * Runs the inner loop; in greedy mode ({@code o.windowSteps() > 0}) calls {@code windowEnd}
     * after each window and continues under the schedule it returns.
     */
    static TrackedRun run(
            RunContext ctx,
            FunctionalModel model,
            NDArray w0,
            ModelState state0,
            LabeledImages data,
            Schedule schedule,
            Options o,
            long shuffleSeed,
            Progress progress,
            WindowEnd windowEnd) {
        if (o.windowSteps() > 0 && windowEnd == null) {
            throw new IllegalArgumentException("a windowed run needs a WindowEnd");
        }
        NDManager home = w0.getManager();
        Autodiff ad = ctx.autodiff();
        int perEpoch = stepsPerEpoch(data.size(), o.batchSize());
        long total = (long) perEpoch * o.epochs();
        NDArray w = w0.duplicate();
        NDArray v = w0.zerosLike();
        ModelState state = state0.copy(home);
        Map<HyperKind, List<NDArray>> z = new EnumMap<>(HyperKind.class);
        Map<HyperKind, List<NDArray>> c = new EnumMap<>(HyperKind.class);
        Map<HyperKind, Integer> updates = new EnumMap<>(HyperKind.class);
        for (HyperKind k : o.tracked()) {
            z.put(k, zeros(w0, schedule.blocks(k)));
            c.put(k, zeros(w0, schedule.blocks(k)));
            updates.put(k, 0);
        }
        double loss = Double.NaN;
        long step = 0;
        long diverged = -1;
        long windowStart = 0;
        LabeledImages.Tensors tensors = data.upload(home);
        outer:
        for (int epoch = 0; epoch < o.epochs(); epoch++) {
            int[] order = Seeds.permutation(data.size(), new Random(shuffleSeed + epoch));
            for (int b = 0; b < perEpoch; b++, step++) {
                ctx.checkCancelled();
                int from = b * o.batchSize();
                int[] idx =
                        java.util.Arrays.copyOfRange(
                                order, from, Math.min(data.size(), from + o.batchSize()));
                double lr = schedule.at(HyperKind.LR, step, total);
                double mu = schedule.at(HyperKind.MOMENTUM, step, total);
                double wd = schedule.at(HyperKind.WEIGHT_DECAY, step, total);
                try (NDManager sm = home.newSubManager()) {
                    // Everything carried lives on home; borrowed here, every temporary of the
                    // step lands in sm and goes when it closes. Updates are in place.
                    w.tempAttach(sm);
                    v.tempAttach(sm);
                    z.values().forEach(l -> l.forEach(a -> a.tempAttach(sm)));
                    c.values().forEach(l -> l.forEach(a -> a.tempAttach(sm)));
                    NDList xy = tensors.batch(sm, idx);
                    NDArray x = xy.get(0).toType(w.getDataType(), false);
                    NDArray y = xy.get(1);
                    // The directions: every reached block of every kind updated this step.
                    // In greedy mode the tangents of blocks before the window are zero: skipped.
                    Map<HyperKind, Integer> active = new EnumMap<>(HyperKind.class);
                    Map<HyperKind, Integer> first = new EnumMap<>(HyperKind.class);
                    NDList directions = new NDList();
                    for (HyperKind k : o.tracked()) {
                        if (pruned(step, total, schedule.blocks(k), o)) {
                            continue;
                        }
                        int block = schedule.block(k, step, total);
                        int lo = o.windowSteps() > 0 ? schedule.block(k, windowStart, total) : 0;
                        active.put(k, block);
                        first.put(k, lo);
                        for (int j = lo; j <= block; j++) {
                            directions.add(z.get(k).get(j));
                        }
                    }
                    ModelState st = state;
                    NDList r =
                            ad.gradientAndHvp(
                                    p -> Losses.crossEntropy(model.forward(p, x, st, true), y),
                                    w,
                                    directions);
                    r.attach(sm);
                    loss = r.get(0).toType(DataType.FLOAT64, false).getDouble();
                    if (!Double.isFinite(loss) || loss > DIVERGED_LOSS) {
                        diverged = step;
                        break outer;
                    }
                    NDArray g = r.get(1);
                    NDArray mask = null;
                    if (o.clampGrad() > 0) {
                        // d clamp(g)/dw = 1 inside the clamp range, 0 outside.
                        mask = g.abs().lte(o.clampGrad()).toType(g.getDataType(), false);
                        g = g.clip(-o.clampGrad(), o.clampGrad());
                    }
                    int at = 2;
                    for (Map.Entry<HyperKind, Integer> e : active.entrySet()) {
                        HyperKind k = e.getKey();
                        int block = e.getValue();
                        for (int j = first.get(k); j <= block; j++) {
                            NDArray hz = r.get(at++);
                            if (mask != null) {
                                hz = hz.mul(mask);
                            }
                            if (o.clampHz() > 0) {
                                hz = hz.clip(-o.clampHz(), o.clampHz());
                            }
                            NDArray zj = z.get(k).get(j);
                            NDArray cj = c.get(k).get(j);
                            NDArray lrMuC = cj.mul(lr * mu);
                            // C_j' = mu C_j + H Z_j + lambda Z_j (uses the old Z_j)
                            cj.muli(mu).addi(hz).addi(zj.mul(wd));
                            // Z_j' = (1 - eta lambda) Z_j - eta H Z_j - eta mu C_j (old C_j)
                            zj.muli(1 - lr * wd).subi(hz.mul(lr)).subi(lrMuC);
                            if (j == block) {
                                switch (k) {
                                    case LR -> zj.subi(g.add(w.mul(wd)).add(v.mul(mu)));
                                    case MOMENTUM -> {
                                        zj.subi(v.mul(lr));
                                        cj.addi(v);
                                    }
                                    case WEIGHT_DECAY -> {
                                        zj.subi(w.mul(lr));
                                        cj.addi(w);
                                    }
                                }
                            }
                        }
                        updates.merge(k, 1, Integer::sum);
                    }
                    // v <- mu v + (g + lambda w); w <- w - eta v
                    v.muli(mu).addi(g).addi(w.mul(wd));
                    w.subi(v.mul(lr));
                }
                if (progress != null) {
                    progress.step(1);
                }
                boolean windowDone =
                        o.windowSteps() > 0
                                && (step + 1 - windowStart == o.windowSteps() || step + 1 == total);
                if (windowDone) {
                    if (!finite(z)) {
                        diverged = step;
                        step++;
                        break outer;
                    }
                    Schedule next =
                            windowEnd.after(
                                    new Window(
                                            windowStart,
                                            step + 1,
                                            total,
                                            w,
                                            state,
                                            z,
                                            updates,
                                            schedule));
                    if (next == null) {
                        step++;
                        break outer;
                    }
                    schedule = next;
                    restart(z, w0, home);
                    restart(c, w0, home);
                    updates.replaceAll((k, n) -> 0);
                    windowStart = step + 1;
                }
            }
        }
        tensors.close();
        if (diverged < 0 && !finite(z)) {
            diverged = step;
        }
        v.close();
        c.values().forEach(l -> l.forEach(NDArray::close));
        return new TrackedRun(w, state, z, updates, step, loss, diverged);
    }

    private static List<NDArray> zeros(NDArray like, int n) {
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(like.zerosLike());
        }
        return out;
    }

    private static void restart(
            Map<HyperKind, List<NDArray>> tangents, NDArray like, NDManager home) {
        for (List<NDArray> l : tangents.values()) {
            for (int j = 0; j < l.size(); j++) {
                l.get(j).close();
                NDArray zero = like.zerosLike();
                zero.attach(home);
                l.set(j, zero);
            }
        }
    }

    private static boolean finite(Map<HyperKind, List<NDArray>> z) {
        for (List<NDArray> l : z.values()) {
            for (NDArray a : l) {
                if (a.isNaN().any().getBoolean() || a.isInfinite().any().getBoolean()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The reference's pruning rule: which steps skip the tangent update of a kind. */
    static boolean pruned(long step, long total, int blocks, Options o) {
        if (o.pruningRatio() <= 0) {
            return false;
        }
        long perBlock = Math.max(1, total / blocks);
        long inBlock = step % perBlock;
        if ("truncate".equals(o.pruningMode())) {
            return inBlock < o.pruningRatio() * perBlock;
        }
        if (o.pruningRatio() >= 0.5) {
            long keepEvery = (long) (1 / (1 - o.pruningRatio()));
            return inBlock % keepEvery != 0;
        }
        long pruneEvery = (long) (1 / o.pruningRatio());
        return inBlock % pruneEvery == 0;
    }
}

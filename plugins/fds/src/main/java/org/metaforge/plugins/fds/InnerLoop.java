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
     */
    record Options(
            int batchSize,
            int epochs,
            Set<HyperKind> tracked,
            double clampGrad,
            double clampHz,
            double pruningRatio,
            String pruningMode) {}

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
                    Map<HyperKind, Integer> active = new EnumMap<>(HyperKind.class);
                    NDList directions = new NDList();
                    for (HyperKind k : o.tracked()) {
                        if (pruned(step, total, schedule.blocks(k), o)) {
                            continue;
                        }
                        int block = schedule.block(k, step, total);
                        active.put(k, block);
                        for (int j = 0; j <= block; j++) {
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
                        for (int j = 0; j <= block; j++) {
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

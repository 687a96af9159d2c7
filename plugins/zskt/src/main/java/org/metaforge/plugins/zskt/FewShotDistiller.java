package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.metaforge.sdk.Distiller;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.config.Validation;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.ModelWeights;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Seeds;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials;

/**
 * A student trained on {@code M} real images per class, with or without the teacher: the few-shot
 * baselines of the paper's figure 2 (Hinton KD plus attention transfer, plain KD, no teacher).
 *
 * <p>The {@code M} images per class are the first of each class in an order drawn from the seed
 * alone, so the three comparators see the same images. SGD with momentum and weight decay, the
 * learning rate on a cosine to zero; the loss {@code (1 - alpha) CE + 2 alpha T^2 KL_T + beta AT}
 * as in the authors' few-shot code. With {@code zero-shot} set, the student starts from the student
 * of that {@code zskt/zero-shot} trial (same teacher and seed): ZSKT fine-tuned with {@code M}
 * images per class.
 */
abstract class FewShotDistiller implements Distiller<FewShotConfig> {

    static final String CHECKPOINT = "few-shot";

    /** The loss's weights this comparator actually uses. */
    abstract double alpha(FewShotConfig c);

    abstract double beta(FewShotConfig c);

    @Override
    public Class<FewShotConfig> configType() {
        return FewShotConfig.class;
    }

    @Override
    public void validate(FewShotConfig config, Validation validation) {
        validation.component("teacher", Teacher.LEARNER, config.teacher());
        if (!config.zeroShot().isEmpty()) {
            validation.component("zero-shot", "zskt/zero-shot", config.zeroShotTrialConfig());
        }
    }

    @Override
    public RunResult distill(RunContext ctx, FewShotConfig config, Task task) {
        Teacher teacher = Teacher.obtain(ctx, config.teacher(), task);
        Net student =
                Net.build(
                        config.studentModel(),
                        task.train().sampleShape(),
                        task.train().numClasses(),
                        config.studentHidden(),
                        config.studentBatchNorm(),
                        config.studentWrnDepth(),
                        config.studentWrnWiden());
        double beta = beta(config);
        if (beta > 0 && !student.attentionCompatible(teacher.net())) {
            throw new RunFailedException(
                    "Attention transfer (beta "
                            + beta
                            + ") needs student and teacher block outputs of equal spatial sizes;"
                            + " use two Wide-ResNets or two LeNets, or zskt/kd.");
        }
        LabeledImages shots = shots(task.train(), config.shotsPerClass(), ctx.seeds());
        NDManager run = ctx.manager();
        RunResult.Builder out = RunResult.builder();
        State s = resume(ctx, config, student, task, run, out);
        Autodiff ad = ctx.autodiff();
        LabeledImages eval = task.eval();
        int batch = Math.min(config.batchSize(), shots.size());
        int perEpoch = shots.size() / batch;
        try (LabeledImages.Tensors train = shots.upload(run);
                LabeledImages.Tensors evalData = eval.upload(run);
                Progress progress =
                        ctx.progress(
                                name() + " " + student.model().parameterCount() + " params",
                                config.steps(),
                                "step")) {
            progress.step(s.step);
            while (s.step < config.steps()) {
                ctx.checkCancelled();
                int epoch = (int) (s.step / perEpoch);
                int b = (int) (s.step % perEpoch);
                int[] order = Seeds.permutation(shots.size(), ctx.seeds().random("shuffle", epoch));
                int[] idx = Arrays.copyOfRange(order, b * batch, (b + 1) * batch);
                double lr = Adam.cosine(config.lr(), s.step, config.steps());
                s.loss = step(ad, config, teacher, student, s, train, idx, lr, alpha(config), beta);
                s.step++;
                progress.step(1);
                if (!Double.isFinite(s.loss) || s.loss > 1e4) {
                    throw new RunFailedException(
                            String.format(
                                    Locale.ROOT,
                                    "%s diverged at step %d (loss %s); lower lr.",
                                    name(),
                                    s.step,
                                    s.loss));
                }
                if (s.step % config.evalEvery() == 0 || s.step == config.steps()) {
                    int[] p =
                            Predictions.of(
                                    student,
                                    s.w,
                                    s.state,
                                    evalData,
                                    eval.size(),
                                    config.evalBatchSize(),
                                    run);
                    double acc = Predictions.accuracy(p, eval);
                    s.curve.add(new double[] {s.step, acc, s.loss});
                    progress.status(
                            String.format(
                                    Locale.ROOT,
                                    "%s acc %.4f loss %.4f",
                                    task.evalName(),
                                    acc,
                                    s.loss));
                }
                if (s.step % config.checkpointEvery() == 0 && s.step < config.steps()) {
                    ctx.checkpoints().save(CHECKPOINT, s.encode(run));
                }
            }
        }
        ctx.artifacts()
                .save(ZeroShotDistiller.MODEL_ARTIFACT, new ModelWeights(s.w, s.state).encode());
        Assessment.report(
                ctx,
                out,
                teacher,
                student,
                s.w,
                s.state,
                task,
                config.evalBatchSize(),
                new Assessment.TransitionOptions(
                        config.transitionCurves(),
                        config.transitionImages(),
                        config.transitionSteps(),
                        config.transitionStepSize()));
        out.metric("shots", shots.size());
        out.metric("steps", s.step);
        int n = s.curve.size();
        double[] x = new double[n];
        double[] acc = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = s.curve.get(i)[0];
            acc[i] = s.curve.get(i)[1];
        }
        out.plot(
                "accuracy",
                new Plot(
                        "Student " + task.evalName() + " accuracy over steps",
                        "step",
                        task.evalName() + " accuracy",
                        List.of(new Plot.Series(name(), x, acc))));
        return out.build();
    }

    /** One SGD step on the batch {@code idx}; returns the loss. */
    static double step(
            Autodiff ad,
            FewShotConfig c,
            Teacher teacher,
            Net student,
            State s,
            LabeledImages.Tensors train,
            int[] idx,
            double lr,
            double alphaOf,
            double beta) {
        try (NDManager sm = s.w.getManager().newSubManager()) {
            s.w.tempAttach(sm);
            s.v.tempAttach(sm);
            teacher.w().tempAttach(sm);
            NDList xy = train.batch(sm, idx);
            NDList t = teacher.net().forward(teacher.w(), xy.get(0), teacher.state(), false);
            NDArray grad;
            double loss;
            try (Autodiff.Tape tape = ad.tape()) {
                NDArray wr = ad.requireGradient(s.w);
                wr.attach(sm);
                NDList out = student.forward(wr, xy.get(0), s.state, true);
                NDArray l =
                        TransferLosses.distillation(
                                out.get(0), t.get(0), xy.get(1), alphaOf, c.temperature());
                NDArray at = TransferLosses.attentionLoss(out, t, beta);
                if (at != null) {
                    l = l.add(at);
                }
                loss = l.toType(DataType.FLOAT64, false).getDouble();
                grad = ad.gradient(l, new NDList(wr), false).get(0);
            }
            // v <- mu v + (g + wd w); w <- w - lr v, as torch.optim.SGD
            s.v.muli(c.momentum()).addi(grad.add(s.w.mul(c.weightDecay())));
            s.w.subi(s.v.mul(lr));
            return loss;
        }
    }

    /** The first {@code m} images of each class in an order drawn from {@code seeds}. */
    static LabeledImages shots(LabeledImages train, int m, Seeds seeds) {
        int[] order = Seeds.permutation(train.size(), seeds.random("shots", 0));
        int[] taken = new int[train.numClasses()];
        List<Integer> chosen = new ArrayList<>();
        for (int i : order) {
            int k = train.label(i);
            if (taken[k] < m) {
                taken[k]++;
                chosen.add(i);
            }
        }
        for (int k = 0; k < taken.length; k++) {
            if (taken[k] < m) {
                throw new RunFailedException(
                        "Class "
                                + k
                                + " has only "
                                + taken[k]
                                + " training images, fewer than shots-per-class "
                                + m
                                + ".");
            }
        }
        return train.subset(
                "shots-" + m, chosen.stream().mapToInt(Integer::intValue).sorted().toArray());
    }

    private State resume(
            RunContext ctx,
            FewShotConfig config,
            Net student,
            Task task,
            NDManager run,
            RunResult.Builder out) {
        Optional<byte[]> saved = ctx.checkpoints().load(CHECKPOINT);
        if (saved.isPresent()) {
            State s = State.decode(run, saved.get(), name());
            ctx.info("Resuming zskt/" + name() + " from its checkpoint after step " + s.step + ".");
            noteZeroShot(ctx, config, task, out, false);
            return s;
        }
        ModelWeights init = noteZeroShot(ctx, config, task, out, true);
        if (init != null) {
            return new State(init.weights(), init.weights().zerosLike(), init.state());
        }
        NDArray w = student.model().initialParameters(run, ctx.seeds().derive("student"));
        return new State(w, w.zerosLike(), student.model().newState(run));
    }

    /** Runs (or fetches) the zero-shot trial to start from; its weights when {@code load}. */
    private static ModelWeights noteZeroShot(
            RunContext ctx, FewShotConfig config, Task task, RunResult.Builder out, boolean load) {
        if (config.zeroShot().isEmpty()) {
            return null;
        }
        // The run's own seed, so that the zero-shot trial distils the same teacher trial.
        Trials.TrialResult zs =
                ctx.trials().run("zskt/zero-shot", config.zeroShotTrialConfig(), task, ctx.seed());
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("trial-key", zs.key());
        prov.put("from-store", zs.cached());
        out.artifact("zero-shot-start", prov);
        out.metric(
                "zero_shot_" + task.evalName() + "_accuracy",
                zs.result().metrics().getOrDefault(task.evalName() + "_accuracy", Double.NaN));
        if (!load) {
            return null;
        }
        byte[] bytes =
                ctx.artifacts()
                        .load(zs.key(), ZeroShotDistiller.MODEL_ARTIFACT)
                        .orElseThrow(
                                () ->
                                        new RunFailedException(
                                                "The zero-shot trial "
                                                        + zs.key()
                                                        + " has no saved student; run with"
                                                        + " --no-cache."));
        return ModelWeights.decode(ctx.manager(), bytes, "the zero-shot student to fine-tune");
    }

    /** Weights, velocity, buffers, step count and the accuracy curve. */
    static final class State {
        NDArray w;
        NDArray v;
        ModelState state;
        long step;
        double loss = Double.NaN;
        final List<double[]> curve = new ArrayList<>();

        State(NDArray w, NDArray v, ModelState state) {
            this.w = w;
            this.v = v;
            this.state = state;
        }

        byte[] encode(NDManager manager) {
            double[] meta = new double[3 + 3 * curve.size()];
            meta[0] = step;
            meta[1] = loss;
            meta[2] = curve.size();
            for (int i = 0; i < curve.size(); i++) {
                System.arraycopy(curve.get(i), 0, meta, 3 + 3 * i, 3);
            }
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("w", w);
            arrays.put("v", v);
            return new Checkpoint(arrays, meta, Map.of("student", state)).encode(manager);
        }

        static State decode(NDManager manager, byte[] bytes, String name) {
            Checkpoint c = Checkpoint.decode(manager, bytes, "zskt/" + name, "w", "v");
            State s = new State(c.arrays().get("w"), c.arrays().get("v"), c.state("student"));
            double[] m = c.meta();
            s.step = (long) m[0];
            s.loss = m[1];
            for (int i = 0; i < (int) m[2]; i++) {
                s.curve.add(Arrays.copyOfRange(m, 3 + 3 * i, 6 + 3 * i));
            }
            return s;
        }
    }
}

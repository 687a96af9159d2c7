package org.metaforge.plugins.baselines;

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
import org.metaforge.sdk.Learner;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.Losses;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.ModelWeights;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Seeds;
import org.metaforge.sdk.run.Task;
import org.pf4j.Extension;

/**
 * Hypergradient descent (Baydin et al., ICLR 2018): SGD or SGD with Nesterov momentum whose
 * learning rate is updated at every step by its one-step hypergradient ({@link HypergradientRule}).
 *
 * <p>Reports the learning-rate trajectory as the plot {@code lr-trajectory} and the artefact of the
 * same name, and saves the trained model as the binary artefact {@code model}. Each epoch ends with
 * a checkpoint, so a killed run resumes with the same numbers.
 */
@Extension
public class SgdHdLearner implements Learner<SgdHdConfig> {

    /** Learning rates beyond this (or below its negative) only come from a runaway rate. */
    static final double DIVERGED_LR = 1e3;

    @Override
    public String name() {
        return "sgd-hd";
    }

    @Override
    public String description() {
        return "SGD-HD / SGDN-HD: SGD (optionally Nesterov) whose learning rate follows its"
                + " one-step hypergradient every step (Baydin et al. 2018).";
    }

    @Override
    public Class<SgdHdConfig> configType() {
        return SgdHdConfig.class;
    }

    @Override
    public RunResult fit(RunContext ctx, SgdHdConfig config, Task task) {
        LabeledImages train = task.train();
        FunctionalModel model =
                config.model()
                        .build(
                                train.sampleShape(),
                                train.numClasses(),
                                config.hidden(),
                                config.batchNorm(),
                                config.wrnDepth(),
                                config.wrnWiden());
        int stepsPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
        long total = (long) stepsPerEpoch * config.epochs();
        NDManager run = ctx.manager();
        Autodiff ad = ctx.autodiff();
        State s = resume(ctx, config, model, run);
        HypergradientRule rule =
                new HypergradientRule(
                        s.alpha,
                        config.hypergradientLr(),
                        config.momentum(),
                        s.v,
                        s.prev,
                        s.started);
        String eval = task.evalName();
        try (LabeledImages.Tensors trainData = train.upload(run);
                LabeledImages.Tensors evalData = task.eval().upload(run);
                Progress progress =
                        ctx.progress(
                                "sgd-hd " + model.parameterCount() + " params", total, "step")) {
            progress.step((long) s.epoch * stepsPerEpoch);
            for (int epoch = s.epoch; epoch < config.epochs(); epoch++) {
                int[] order = Seeds.permutation(train.size(), ctx.seeds().random("shuffle", epoch));
                double lossSum = 0;
                for (int b = 0; b < stepsPerEpoch; b++) {
                    ctx.checkCancelled();
                    int from = b * config.batchSize();
                    int to = Math.min(train.size(), from + config.batchSize());
                    int[] idx = Arrays.copyOfRange(order, from, to);
                    double loss = step(ad, model, s, rule, train, idx, config.weightDecay());
                    double lr = rule.alpha();
                    if (!Double.isFinite(loss)
                            || loss > SgdLearner.DIVERGED_LOSS
                            || !(Math.abs(lr) < DIVERGED_LR)) {
                        throw new RunFailedException(
                                String.format(
                                        Locale.ROOT,
                                        "Training diverged at epoch %d, step %d (loss %s, lr %.4g);"
                                                + " lower hypergradient-lr or lr.",
                                        epoch + 1,
                                        (long) epoch * stepsPerEpoch + b,
                                        loss,
                                        lr));
                    }
                    s.lrs.add(lr);
                    lossSum += loss;
                    progress.step(1);
                }
                SgdLearner.TrainingState view =
                        new SgdLearner.TrainingState(s.w, s.v, s.state, epoch, new ArrayList<>());
                double[] ev =
                        SgdLearner.evaluate(
                                model,
                                view,
                                evalData,
                                task.eval().size(),
                                config.evalBatchSize(),
                                run);
                s.curves.add(new double[] {epoch + 1, lossSum / stepsPerEpoch, ev[0], ev[1]});
                s.epoch = epoch + 1;
                s.alpha = rule.alpha();
                s.started = rule.started();
                progress.status(
                        String.format(
                                Locale.ROOT,
                                "epoch %d/%d loss %.4f lr %.4g %s acc %.4f",
                                epoch + 1,
                                config.epochs(),
                                lossSum / stepsPerEpoch,
                                rule.alpha(),
                                eval,
                                ev[1]));
                if (s.epoch < config.epochs()) {
                    ctx.checkpoints().save("sgd-hd", s.encode(run));
                }
            }
        }
        ctx.artifacts().save(SgdLearner.MODEL_ARTIFACT, new ModelWeights(s.w, s.state).encode());
        return result(config, model, s, eval, total);
    }

    /** One step in its own manager; returns the mini-batch loss. */
    private static double step(
            Autodiff ad,
            FunctionalModel model,
            State s,
            HypergradientRule rule,
            LabeledImages train,
            int[] idx,
            double wd) {
        try (NDManager sm = s.w.getManager().newSubManager()) {
            s.w.tempAttach(sm);
            s.v.tempAttach(sm);
            s.prev.tempAttach(sm);
            NDList xy = train.batch(sm, idx);
            NDArray grad;
            double loss;
            try (Autodiff.Tape tape = ad.tape()) {
                NDArray wr = ad.requireGradient(s.w);
                wr.attach(sm);
                NDArray logits = model.forward(wr, xy.get(0), s.state, true);
                NDArray l = Losses.crossEntropy(logits, xy.get(1));
                loss = l.toType(DataType.FLOAT64, false).getDouble();
                grad = ad.gradient(l, new NDList(wr), false).get(0);
            }
            // Outside the tape: no graph holds these operands.
            if (wd != 0) {
                grad.addi(s.w.mul(wd));
            }
            rule.step(s.w, grad);
            return loss;
        }
    }

    private static State resume(
            RunContext ctx, SgdHdConfig config, FunctionalModel model, NDManager run) {
        Optional<byte[]> saved = ctx.checkpoints().load("sgd-hd");
        if (saved.isPresent()) {
            State s = State.decode(run, saved.get());
            ctx.info("Resuming baselines/sgd-hd from its checkpoint after epoch " + s.epoch + ".");
            return s;
        }
        NDArray w = model.initialParameters(run, ctx.seeds().derive("init"));
        return new State(
                w,
                w.zerosLike(),
                w.zerosLike(),
                model.newState(run),
                0,
                config.lr(),
                false,
                new ArrayList<>(),
                new ArrayList<>());
    }

    private static RunResult result(
            SgdHdConfig config, FunctionalModel model, State s, String eval, long total) {
        int n = s.curves.size();
        double[] x = new double[n];
        double[] trainLoss = new double[n];
        double[] evalLoss = new double[n];
        double[] evalAcc = new double[n];
        for (int i = 0; i < n; i++) {
            double[] row = s.curves.get(i);
            x[i] = row[0];
            trainLoss[i] = row[1];
            evalLoss[i] = row[2];
            evalAcc[i] = row[3];
        }
        double[] steps = new double[s.lrs.size()];
        double[] lrs = new double[s.lrs.size()];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int i = 0; i < lrs.length; i++) {
            steps[i] = i;
            lrs[i] = s.lrs.get(i);
            min = Math.min(min, lrs[i]);
            max = Math.max(max, lrs[i]);
            sum += lrs[i];
        }
        Map<String, Object> trajectory = new LinkedHashMap<>();
        trajectory.put("initial-lr", config.lr());
        trajectory.put("hypergradient-lr", config.hypergradientLr());
        trajectory.put("steps-per-epoch", lrs.length / Math.max(1, config.epochs()));
        trajectory.put("lr", s.lrs);
        return RunResult.builder()
                .metric(eval + "_accuracy", evalAcc[n - 1])
                .metric(eval + "_loss", evalLoss[n - 1])
                .metric("train_loss", trainLoss[n - 1])
                .metric("steps", total)
                .metric("epochs", config.epochs())
                .metric("parameters", model.parameterCount())
                .metric("final_lr", lrs[lrs.length - 1])
                .metric("mean_lr", sum / lrs.length)
                .metric("min_lr", min)
                .metric("max_lr", max)
                .plot(
                        "loss",
                        new Plot(
                                "Loss per epoch",
                                "epoch",
                                "cross-entropy",
                                List.of(
                                        new Plot.Series("train", x, trainLoss),
                                        new Plot.Series(eval, x, evalLoss))))
                .plot(
                        "accuracy",
                        new Plot(
                                "Accuracy per epoch",
                                "epoch",
                                eval + " accuracy",
                                List.of(new Plot.Series(eval, x, evalAcc))))
                .plot(
                        "lr-trajectory",
                        new Plot(
                                "Learning rate learned by hypergradient descent",
                                "step",
                                "learning rate",
                                List.of(new Plot.Series("lr", steps, lrs))))
                .artifact("lr-trajectory", trajectory)
                .build();
    }

    /** What training carries from step to step, and what a checkpoint holds. */
    private static final class State {
        final NDArray w;
        final NDArray v;
        final NDArray prev;
        final ModelState state;
        int epoch;
        double alpha;
        boolean started;
        final List<double[]> curves;
        final List<Double> lrs;

        State(
                NDArray w,
                NDArray v,
                NDArray prev,
                ModelState state,
                int epoch,
                double alpha,
                boolean started,
                List<double[]> curves,
                List<Double> lrs) {
            this.w = w;
            this.v = v;
            this.prev = prev;
            this.state = state;
            this.epoch = epoch;
            this.alpha = alpha;
            this.started = started;
            this.curves = curves;
            this.lrs = lrs;
        }

        /** meta: epoch, alpha, started, number of curve rows, the rows (4 each), the rates. */
        byte[] encode(NDManager manager) {
            double[] meta = new double[4 + 4 * curves.size() + lrs.size()];
            meta[0] = epoch;
            meta[1] = alpha;
            meta[2] = started ? 1 : 0;
            meta[3] = curves.size();
            for (int i = 0; i < curves.size(); i++) {
                System.arraycopy(curves.get(i), 0, meta, 4 + 4 * i, 4);
            }
            for (int i = 0; i < lrs.size(); i++) {
                meta[4 + 4 * curves.size() + i] = lrs.get(i);
            }
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("w", w);
            arrays.put("v", v);
            arrays.put("prev", prev);
            return new NamedCheckpoint(arrays, meta, state).encode(manager);
        }

        static State decode(NDManager manager, byte[] bytes) {
            NamedCheckpoint c =
                    NamedCheckpoint.decode(manager, bytes, "baselines/sgd-hd", "w", "v", "prev");
            double[] meta = c.meta();
            int rows = (int) meta[3];
            List<double[]> curves = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                curves.add(Arrays.copyOfRange(meta, 4 + 4 * i, 8 + 4 * i));
            }
            List<Double> lrs = new ArrayList<>();
            for (int i = 4 + 4 * rows; i < meta.length; i++) {
                lrs.add(meta[i]);
            }
            return new State(
                    c.arrays().get("w"),
                    c.arrays().get("v"),
                    c.arrays().get("prev"),
                    c.state(),
                    (int) meta[0],
                    meta[1],
                    meta[2] != 0,
                    curves,
                    lrs);
        }
    }
}

package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
import org.metaforge.sdk.metric.Accuracy;
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
 * SGD with momentum and weight decay under piecewise-constant or cosine schedules.
 *
 * <p>The update is the one the forward-mode HPO paper differentiates: {@code v <- mu v + (g +
 * lambda w); w <- w - eta v}. Each epoch ends with a checkpoint, so a killed run resumes at its
 * last finished epoch and ends with the same numbers as an uninterrupted one.
 */
@Extension
public class SgdLearner implements Learner<SgdConfig> {

    /**
     * The artefact holding the trained model ({@link ModelWeights}): flat weights and batch-norm
     * buffers of the network the config describes.
     */
    public static final String MODEL_ARTIFACT = "model";

    /**
     * The artefact a run that trains a prefix of a longer horizon ({@code epochs < horizon-epochs})
     * leaves for its continuation: weights, momentum buffer, batch-norm buffers, epoch and curves,
     * plus a signature of everything the continuation must share with it.
     */
    public static final String TRAINING_STATE_ARTIFACT = "training-state";

    private static final String SIGNATURE = "continuation-signature";

    /**
     * A mini-batch cross-entropy above this (a margin of a thousand nats) only comes from weights
     * that blew up; the run is stopped rather than trained on.
     */
    static final double DIVERGED_LOSS = 1e3;

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public String description() {
        return "SGD with momentum and weight decay under piecewise-constant or cosine schedules"
                + " (MLP, LeNet-5).";
    }

    @Override
    public Class<SgdConfig> configType() {
        return SgdConfig.class;
    }

    @Override
    public RunResult fit(RunContext ctx, SgdConfig config, Task task) {
        LabeledImages train = task.train();
        FunctionalModel model =
                config.model()
                        .build(
                                train.sampleShape(),
                                train.numClasses(),
                                config.hidden(),
                                config.batchNorm(),
                                config.wrnDepth(),
                                config.wrnWiden(),
                                config.lenetWidth());
        int stepsPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
        // The schedules are defined over the horizon; this run trains its first epochs() epochs.
        long total = (long) stepsPerEpoch * config.horizon();
        long trained = (long) stepsPerEpoch * config.epochs();
        if (config.maxBlocks() > total) {
            throw new RunFailedException(
                    "The schedule has "
                            + config.maxBlocks()
                            + " blocks but training has only "
                            + total
                            + " steps; use fewer values or more epochs.");
        }
        NDManager run = ctx.manager();
        Autodiff ad = ctx.autodiff();
        byte[] signature = signature(config, ctx.seed(), train.fingerprint());
        TrainingState s = resume(ctx, config, model, run, signature);
        String eval = task.evalName();
        try (LabeledImages.Tensors trainData = train.upload(run);
                LabeledImages.Tensors evalData = task.eval().upload(run);
                Progress progress =
                        ctx.progress(
                                "train " + model.parameterCount() + " params", trained, "step")) {
            progress.step((long) s.epoch * stepsPerEpoch);
            for (int epoch = s.epoch; epoch < config.epochs(); epoch++) {
                int[] order = Seeds.permutation(train.size(), ctx.seeds().random("shuffle", epoch));
                double lossSum = 0;
                for (int b = 0; b < stepsPerEpoch; b++) {
                    ctx.checkCancelled();
                    long step = (long) epoch * stepsPerEpoch + b;
                    int from = b * config.batchSize();
                    int to = Math.min(train.size(), from + config.batchSize());
                    int[] idx = java.util.Arrays.copyOfRange(order, from, to);
                    double loss =
                            step(
                                    ad,
                                    model,
                                    s,
                                    train,
                                    idx,
                                    config.lrAt(step, total),
                                    config.momentumAt(step, total),
                                    config.weightDecayAt(step, total));
                    if (!Double.isFinite(loss) || loss > DIVERGED_LOSS) {
                        throw new RunFailedException(
                                String.format(
                                        Locale.ROOT,
                                        "Training diverged at epoch %d, step %d (loss %s, lr %.4g);"
                                                + " lower the learning rate.",
                                        epoch + 1,
                                        step,
                                        loss,
                                        config.lrAt(step, total)));
                    }
                    lossSum += loss;
                    progress.step(1);
                }
                double[] ev =
                        evaluate(
                                model,
                                s,
                                evalData,
                                task.eval().size(),
                                config.evalBatchSize(),
                                run);
                s.curves.add(new double[] {epoch + 1, lossSum / stepsPerEpoch, ev[0], ev[1]});
                s.epoch = epoch + 1;
                progress.status(
                        String.format(
                                Locale.ROOT,
                                "epoch %d/%d loss %.4f %s acc %.4f",
                                epoch + 1,
                                config.epochs(),
                                lossSum / stepsPerEpoch,
                                eval,
                                ev[1]));
                if (s.epoch < config.epochs()) {
                    ctx.checkpoints().save("sgd", s.encode(run));
                }
            }
        }
        // The trained model outlives the run as an artefact, so a distiller can use this trial as
        // its teacher without training it again.
        ctx.artifacts().save(MODEL_ARTIFACT, new ModelWeights(s.w, s.state).encode());
        if (config.epochs() < config.horizon()) {
            ctx.artifacts().save(TRAINING_STATE_ARTIFACT, s.encode(run, signature));
        }
        return result(config, model, s, eval, total, trained);
    }

    /** One SGD step in its own manager; returns the mini-batch loss. */
    private static double step(
            Autodiff ad,
            FunctionalModel model,
            TrainingState s,
            LabeledImages train,
            int[] idx,
            double lr,
            double mu,
            double wd) {
        try (NDManager sm = s.w.getManager().newSubManager()) {
            s.w.tempAttach(sm);
            s.v.tempAttach(sm);
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
            // v <- mu v + (g + wd w); w <- w - lr v
            s.v.muli(mu).addi(grad.add(s.w.mul(wd)));
            s.w.subi(s.v.mul(lr));
            return loss;
        }
    }

    /** Loss and accuracy on {@code data} in evaluation mode. */
    static double[] evaluate(
            FunctionalModel model,
            TrainingState s,
            LabeledImages.Tensors data,
            int size,
            int batch,
            NDManager run) {
        double lossSum = 0;
        Accuracy.Counter acc = new Accuracy.Counter();
        for (int from = 0; from < size; from += batch) {
            int to = Math.min(size, from + batch);
            try (NDManager sm = run.newSubManager()) {
                s.w.tempAttach(sm);
                NDList xy = data.batch(sm, from, to);
                NDArray logits = model.forward(s.w, xy.get(0), s.state, false);
                lossSum +=
                        Losses.crossEntropy(logits, xy.get(1))
                                        .toType(DataType.FLOAT64, false)
                                        .getDouble()
                                * (to - from);
                acc.add(logits, xy.get(1));
            }
        }
        return new double[] {lossSum / size, acc.value()};
    }

    private static TrainingState resume(
            RunContext ctx,
            SgdConfig config,
            FunctionalModel model,
            NDManager run,
            byte[] signature) {
        Optional<byte[]> saved = ctx.checkpoints().load("sgd");
        if (saved.isPresent()) {
            TrainingState s = TrainingState.decode(run, saved.get());
            ctx.info("Resuming baselines/sgd from its checkpoint after epoch " + s.epoch + ".");
            return s;
        }
        if (config.continues()) {
            return continuation(ctx, config, model, run, signature);
        }
        NDArray w = model.initialParameters(run, ctx.seeds().derive("init"));
        return new TrainingState(w, w.zerosLike(), model.newState(run), 0, new ArrayList<>());
    }

    /** The saved state of the trial {@code continue-from}, checked to be a prefix of this run. */
    private static TrainingState continuation(
            RunContext ctx,
            SgdConfig config,
            FunctionalModel model,
            NDManager run,
            byte[] signature) {
        String key = config.continueFrom();
        byte[] bytes =
                ctx.artifacts()
                        .load(key, TRAINING_STATE_ARTIFACT)
                        .orElseThrow(
                                () ->
                                        new RunFailedException(
                                                "continue-from "
                                                        + key
                                                        + ": the store holds no training state of"
                                                        + " that trial; only a baselines/sgd trial"
                                                        + " with epochs below horizon-epochs"
                                                        + " saves one. Run that trial first."));
        NamedCheckpoint c =
                NamedCheckpoint.decode(run, bytes, "baselines/sgd trial " + key, "w", "v");
        NDArray saved = c.arrays().get(SIGNATURE);
        if (saved == null || !Arrays.equals(saved.toByteArray(), signature)) {
            throw new RunFailedException(
                    "continue-from "
                            + key
                            + ": that trial trained a different run (model, batch size,"
                            + " schedules, horizon-epochs, seed or training data differ); only"
                            + " epochs may change between a run and its continuation.");
        }
        TrainingState s = TrainingState.from(c);
        if (s.epoch >= config.epochs()) {
            throw new RunFailedException(
                    "continue-from "
                            + key
                            + ": that trial already trained "
                            + s.epoch
                            + " epochs, this run asks for "
                            + config.epochs()
                            + "; continue to more epochs.");
        }
        if (s.w.size() != model.parameterCount()) {
            throw new RunFailedException(
                    "continue-from " + key + ": its weights do not fit this model.");
        }
        ctx.info(
                "Continuing baselines/sgd trial "
                        + key.substring(0, Math.min(12, key.length()))
                        + " after epoch "
                        + s.epoch
                        + ".");
        return s;
    }

    /**
     * What a run and its continuation must share, hashed: everything that shapes the training
     * trajectory except the number of epochs.
     */
    static byte[] signature(SgdConfig c, long seed, String trainFingerprint) {
        String text =
                String.join(
                        "|",
                        c.model().name(),
                        c.hidden().toString(),
                        Boolean.toString(c.batchNorm()),
                        Integer.toString(c.wrnDepth()),
                        Integer.toString(c.wrnWiden()),
                        Integer.toString(c.batchSize()),
                        c.schedule().name(),
                        c.lr().toString(),
                        c.momentum().toString(),
                        c.weightDecay().toString(),
                        Integer.toString(c.horizon()),
                        Long.toString(seed),
                        trainFingerprint);
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static RunResult result(
            SgdConfig config,
            FunctionalModel model,
            TrainingState s,
            String eval,
            long total,
            long trained) {
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
        double[] steps = new double[101];
        double[] lrs = new double[101];
        // the steps this run took (a prefix of the horizon when horizon-epochs > epochs)
        for (int i = 0; i <= 100; i++) {
            long step = Math.min(trained - 1, i * trained / 100);
            steps[i] = step;
            lrs[i] = config.lrAt(step, total);
        }
        return RunResult.builder()
                .metric(eval + "_accuracy", evalAcc[n - 1])
                .metric(eval + "_loss", evalLoss[n - 1])
                .metric("train_loss", trainLoss[n - 1])
                .metric("steps", trained)
                .metric("epochs", config.epochs())
                .metric("parameters", model.parameterCount())
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
                        "lr-schedule",
                        new Plot(
                                "Learning-rate schedule",
                                "step",
                                "learning rate",
                                List.of(new Plot.Series("lr", steps, lrs))))
                .artifact(
                        "schedule",
                        Map.of(
                                "kind", config.schedule().name().toLowerCase(Locale.ROOT),
                                "lr", config.lr(),
                                "momentum", config.momentum(),
                                "weight-decay", config.weightDecay(),
                                "horizon-epochs", config.horizon()))
                .build();
    }

    /** What training carries from step to step, and what a checkpoint holds. */
    static final class TrainingState {
        NDArray w;
        NDArray v;
        ModelState state;
        int epoch;
        final List<double[]> curves;

        TrainingState(NDArray w, NDArray v, ModelState state, int epoch, List<double[]> curves) {
            this.w = w;
            this.v = v;
            this.state = state;
            this.epoch = epoch;
            this.curves = curves;
        }

        byte[] encode(NDManager manager) {
            return encode(manager, null);
        }

        /** The checkpoint bytes, with a continuation signature when {@code signature} is set. */
        byte[] encode(NDManager manager, byte[] signature) {
            double[] flat = new double[curves.size() * 4 + 1];
            flat[0] = epoch;
            for (int i = 0; i < curves.size(); i++) {
                System.arraycopy(curves.get(i), 0, flat, 1 + 4 * i, 4);
            }
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("w", w);
            arrays.put("v", v);
            try (NDManager sm = manager.newSubManager()) {
                if (signature != null) {
                    arrays.put(SIGNATURE, sm.create(signature));
                }
                return new NamedCheckpoint(arrays, flat, state).encode(manager);
            }
        }

        static TrainingState decode(NDManager manager, byte[] bytes) {
            return from(NamedCheckpoint.decode(manager, bytes, "baselines/sgd", "w", "v"));
        }

        static TrainingState from(NamedCheckpoint c) {
            double[] meta = c.meta();
            List<double[]> curves = new ArrayList<>();
            for (int i = 1; i + 3 < meta.length; i += 4) {
                curves.add(java.util.Arrays.copyOfRange(meta, i, i + 4));
            }
            return new TrainingState(
                    c.arrays().get("w"), c.arrays().get("v"), c.state(), (int) meta[0], curves);
        }
    }
}

package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.metaforge.sdk.Learner;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.metric.Accuracy;
import org.metaforge.sdk.nn.Activations;
import org.metaforge.sdk.nn.BatchNorm;
import org.metaforge.sdk.nn.Conv2d;
import org.metaforge.sdk.nn.Flatten;
import org.metaforge.sdk.nn.Losses;
import org.metaforge.sdk.nn.MaxPool2d;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.pf4j.Extension;

/**
 * Prototypical Networks (Snell, Swersky and Zemel, 2017): few-shot classification by distance to
 * class prototypes in a learned embedding.
 *
 * <p>The embedding is the four-block convolutional network of the literature (conv 3x3 with padding
 * 1, batch-norm, ReLU, max-pool 2; 28x28 inputs become {@code channels} features). Each
 * meta-training episode embeds its support and query images as one batch, averages each class's
 * support embeddings into a prototype, scores each query by the negative squared Euclidean distance
 * to every prototype, and takes one Adam step on the cross-entropy of those scores. Data, class
 * splits and the fixed test episodes come from {@link EpisodicTask}; the reported accuracy is the
 * mean over the test episodes with its 95% confidence interval.
 *
 * <p>Batch-norm: meta-training normalises with the episode's batch statistics and updates running
 * statistics. Evaluation uses the running statistics by default, as the authors' reference code
 * does ({@code model.eval()}): every query is then classified on its own, so its prediction does
 * not depend on which other queries share the episode, and the classifier is one a user could
 * deploy on a single image. {@code transductive-batch-norm: true} instead normalises each
 * evaluation episode with its own support-and-query statistics, as the reference MAML code does,
 * for comparisons under that protocol.
 *
 * <p>{@code test-steps > 0} fine-tunes a copy of the embedding on each test episode's support set
 * before classifying its queries (ProtoNet + fine-tuning, as cross-domain few-shot studies evaluate
 * it): Adam on the support set's prototypical loss against itself, leave-one-out or mirrored
 * ({@link FineTuneQueries}). Meta-training and meta-validation never fine-tune.
 *
 * <p>{@code feature-transform} (default {@code none}) transforms each evaluation episode's
 * embeddings before the prototypes are taken ({@link FeatureTransform}): centred on the support
 * mean and L2-normalised, optionally after a square root. Meta-training is unchanged.
 *
 * <p>A checkpoint every {@code checkpoint-every} episodes holds the weights, Adam's moments, the
 * running statistics and the curves; since episode {@code i} is drawn from its own seeded stream, a
 * killed run resumes and ends with the same numbers as an uninterrupted one.
 */
@Extension
public class ProtoNetLearner implements Learner<ProtoNetConfig> {

    private static final String WHERE = "config of baselines/protonet";
    private static final String CHECKPOINT = "protonet";
    private static final String SHIFT_STREAM = "protonet-train-shift";

    @Override
    public String name() {
        return "protonet";
    }

    @Override
    public String description() {
        return "Prototypical Networks: N-way K-shot episodes, four-block conv embedding, queries"
                + " classified by squared Euclidean distance to class-mean prototypes.";
    }

    @Override
    public Class<ProtoNetConfig> configType() {
        return ProtoNetConfig.class;
    }

    @Override
    public RunResult fit(RunContext ctx, ProtoNetConfig config, Task task) {
        EpisodeSize size = config.episodeSize();
        EpisodicTask data =
                EpisodicTask.create(
                        task,
                        config.trainClasses(),
                        config.testClasses(),
                        config.validationFraction(),
                        size,
                        config.metaTrainingWays(),
                        config.classAugmentation(),
                        ctx.seeds(),
                        WHERE);
        Sequential net =
                embedding(task.train().sampleShape(), config.channels(), config.pooledBlocks());
        NDManager run = ctx.manager();
        Autodiff ad = ctx.autodiff();
        List<Episode> validation = data.validationEpisodes(config.validationEpisodes());
        String eval = task.evalName();
        List<TrainingState> members = new ArrayList<>();
        double[] testAcc;
        double validationAcc;
        try (LabeledImages.Tensors trainData = data.metaTrain().upload(run);
                LabeledImages.Tensors valData = data.metaValidation().upload(run);
                Progress progress =
                        ctx.progress(
                                "protonet "
                                        + (long) config.ensemble() * net.parameterCount()
                                        + " params",
                                (long) config.ensemble() * config.trainEpisodes()
                                        + config.testEpisodes(),
                                "episode")) {
            for (int k = 0; k < config.ensemble(); k++) {
                TrainingState s = resume(ctx, net, run, k, config.ensemble());
                progress.step(s.episode);
                metaTrain(
                        ctx, ad, net, s, k, data, trainData, valData, validation, config, progress);
                if (k < config.ensemble() - 1) {
                    // A finished member is not trained again when a later one is interrupted.
                    ctx.checkpoints().save(checkpointName(k), s.encode(run));
                }
                members.add(s);
            }
            validationAcc =
                    members.size() == 1
                            ? members.get(0).curve.get(members.get(0).curve.size() - 1)[1]
                            : evaluate(net, members, valData, validation, config, run);
            List<Episode> test = data.testEpisodes(config.testEpisodes());
            try (LabeledImages.Tensors testData = data.metaTest().upload(run)) {
                testAcc = new double[test.size()];
                for (int i = 0; i < test.size(); i++) {
                    ctx.checkCancelled();
                    testAcc[i] = testAccuracy(ad, net, members, testData, test.get(i), config, run);
                    progress.step(1);
                }
            }
        }
        EpisodeAccuracy summary = EpisodeAccuracy.of(testAcc);
        ctx.info(
                String.format(
                        Locale.ROOT,
                        "%d-way %d-shot %s accuracy %.4f +- %.4f over %d episodes",
                        size.ways(),
                        size.shots(),
                        eval,
                        summary.mean(),
                        summary.ci95(),
                        summary.episodes()));
        return result(config, net, members, validationAcc, eval, summary, testAcc);
    }

    /**
     * The four-block embedding for samples of {@code input}: each block conv 3x3 (padding 1) to
     * {@code channels}, batch-norm, ReLU, max-pool 2; then flatten. On {@code (1, 28, 28)} the maps
     * go 28, 14, 7, 3, 1, so the embedding has {@code channels} dimensions.
     *
     * @throws RunFailedException if the images are smaller than 16x16 (four halvings)
     */
    static Sequential embedding(Shape input, int channels) {
        return embedding(input, channels, 4);
    }

    /**
     * As {@link #embedding(Shape, int)}, with the max-pool only in the first {@code pooledBlocks}
     * blocks: on {@code (1, 28, 28)} with 3 the maps go 28, 14, 7, 3, 3 and the embedding has
     * {@code 9 * channels} dimensions.
     */
    static Sequential embedding(Shape input, int channels, int pooledBlocks) {
        if (input.dimension() != 3 || input.get(1) < 16 || input.get(2) < 16) {
            throw new RunFailedException(
                    "baselines/protonet embeds images (C, H, W) of at least 16x16 through four"
                            + " halving blocks, got samples of shape "
                            + input
                            + "; use a dataset of larger images.");
        }
        Sequential.Builder b = Sequential.builder(input);
        for (int i = 1; i <= 4; i++) {
            b.add("conv" + i, Conv2d.of(channels, 3).padding(1))
                    .add("bn" + i, BatchNorm.of())
                    .add(Activations.relu());
            if (i <= pooledBlocks) {
                b.add(MaxPool2d.of(2));
            }
        }
        return b.add(Flatten.of()).build();
    }

    /**
     * Meta-trains ensemble member {@code k} from where {@code s} stands to {@code train-episodes},
     * on its own stream of episodes, with meta-validation every {@code eval-every} episodes and
     * checkpoints every {@code checkpoint-every}.
     */
    private static void metaTrain(
            RunContext ctx,
            Autodiff ad,
            Sequential net,
            TrainingState s,
            int k,
            EpisodicTask data,
            LabeledImages.Tensors trainData,
            LabeledImages.Tensors valData,
            List<Episode> validation,
            ProtoNetConfig config,
            Progress progress) {
        NDManager run = ctx.manager();
        String member = config.ensemble() == 1 ? "" : " (member " + (k + 1) + ")";
        if (s.curve.isEmpty()) {
            s.curve.add(
                    new double[] {
                        0, evaluate(net, List.of(s), valData, validation, config, run), Double.NaN
                    });
        }
        for (int e = s.episode; e < config.trainEpisodes(); e++) {
            ctx.checkCancelled();
            Random shifts = ctx.seeds().random(SHIFT_STREAM + "/" + k, e);
            double loss = trainStep(ad, net, s, trainData, data.trainEpisode(k, e), shifts, config);
            if (!Double.isFinite(loss)) {
                throw new RunFailedException(
                        String.format(
                                Locale.ROOT,
                                "baselines/protonet diverged at episode %d%s (query loss %s);"
                                        + " lower lr (now %.4g).",
                                e + 1,
                                member,
                                loss,
                                config.lr()));
            }
            s.episode = e + 1;
            s.lossSum += loss;
            s.lossCount++;
            progress.step(1);
            if (s.episode % config.evalEvery() == 0 || s.episode == config.trainEpisodes()) {
                double acc = evaluate(net, List.of(s), valData, validation, config, run);
                s.curve.add(new double[] {s.episode, acc, s.lossSum / s.lossCount});
                s.lossSum = 0;
                s.lossCount = 0;
                progress.status(
                        String.format(
                                Locale.ROOT,
                                "episode %d%s meta-validation accuracy %.4f",
                                s.episode,
                                member,
                                acc));
            }
            if (s.episode % config.checkpointEvery() == 0 && s.episode < config.trainEpisodes()) {
                ctx.checkpoints().save(checkpointName(k), s.encode(run));
            }
        }
    }

    /** The checkpoint of ensemble member {@code k}; member 0's is that of a single network. */
    private static String checkpointName(int k) {
        return k == 0 ? CHECKPOINT : CHECKPOINT + "-member-" + (k + 1);
    }

    /**
     * One meta-training episode and Adam step in its own manager, its images shifted by {@code
     * shifts} up to {@code train-shift} pixels; returns the query loss.
     */
    private static double trainStep(
            Autodiff ad,
            Sequential net,
            TrainingState s,
            LabeledImages.Tensors data,
            Episode episode,
            Random shifts,
            ProtoNetConfig config) {
        try (NDManager sm = s.w.getManager().newSubManager()) {
            s.w.tempAttach(sm);
            s.m.tempAttach(sm);
            s.v.tempAttach(sm);
            NDArray x =
                    RandomShift.random(
                            data.batch(sm, episode.supportThenQuery()).get(0),
                            shifts,
                            config.trainShift());
            NDArray y = sm.create(episode.queryLabels());
            NDArray grad;
            double loss;
            try (Autodiff.Tape tape = ad.tape()) {
                NDArray wr = ad.requireGradient(s.w);
                wr.attach(sm);
                NDArray logits = logits(net.forward(wr, x, s.state, true), episode);
                NDArray l = Losses.crossEntropy(logits, y);
                loss = l.toType(DataType.FLOAT64, false).getDouble();
                grad = ad.gradient(l, new NDList(wr), false).get(0);
            }
            Adam.step(s.w, s.m, s.v, grad, s.episode + 1L, config.lr());
            return loss;
        }
    }

    /** Mean query accuracy of {@code members} together over {@code episodes}. */
    private static double evaluate(
            Sequential net,
            List<TrainingState> members,
            LabeledImages.Tensors data,
            List<Episode> episodes,
            ProtoNetConfig config,
            NDManager run) {
        List<NDArray> ws = new ArrayList<>();
        List<ModelState> states = new ArrayList<>();
        for (TrainingState s : members) {
            ws.add(s.w);
            states.add(s.state);
        }
        double sum = 0;
        for (Episode e : episodes) {
            sum += accuracy(net, ws, states, data, e, config, run);
        }
        return sum / episodes.size();
    }

    /**
     * The query accuracy of one test episode: that of {@link #accuracy} after {@code test-steps}
     * Adam steps of fine-tuning a copy of each member's embedding on the episode's support set
     * alone ({@link #fineTune}); the meta-learned weights and statistics are left as they were.
     */
    private static double testAccuracy(
            Autodiff ad,
            Sequential net,
            List<TrainingState> members,
            LabeledImages.Tensors data,
            Episode episode,
            ProtoNetConfig config,
            NDManager run) {
        if (config.testSteps() == 0) {
            return evaluate(net, members, data, List.of(episode), config, run);
        }
        try (NDManager em = run.newSubManager()) {
            NDArray support = data.batch(em, episode.support()).get(0);
            List<NDArray> adapted = new ArrayList<>();
            List<ModelState> states = new ArrayList<>();
            for (TrainingState s : members) {
                adapted.add(fineTune(ad, net, s.w, support, episode, config, em));
                states.add(s.state);
            }
            return accuracy(net, adapted, states, data, episode, config, em);
        }
    }

    /**
     * A copy of {@code w} after {@code test-steps} Adam steps (fresh moments, {@code test-lr}) on
     * the prototypical loss of the support set against itself, as {@code test-queries} defines it.
     * Batch-norm uses each step's batch statistics and keeps none.
     *
     * @param support the episode's support images, class-major
     * @return the adapted weights, on {@code manager}
     */
    static NDArray fineTune(
            Autodiff ad,
            Sequential net,
            NDArray w,
            NDArray support,
            Episode episode,
            ProtoNetConfig config,
            NDManager manager) {
        NDArray a = w.duplicate();
        a.attach(manager);
        NDArray m = a.zerosLike();
        NDArray v = a.zerosLike();
        boolean mirror = config.testQueries() == FineTuneQueries.MIRROR;
        NDArray x = mirror ? support.concat(support.flip(3), 0) : support;
        NDArray y = manager.create(episode.supportLabels());
        for (int t = 1; t <= config.testSteps(); t++) {
            try (NDManager sm = manager.newSubManager()) {
                a.tempAttach(sm);
                m.tempAttach(sm);
                v.tempAttach(sm);
                NDArray grad;
                try (Autodiff.Tape tape = ad.tape()) {
                    NDArray ar = ad.requireGradient(a);
                    ar.attach(sm);
                    NDArray emb = net.forward(ar, x, net.newState(sm), true);
                    NDArray logits =
                            mirror
                                    ? mirrorLogits(emb, episode.size())
                                    : leaveOneOutLogits(emb, y, episode.size());
                    grad =
                            ad.gradient(Losses.crossEntropy(logits, y), new NDList(ar), false)
                                    .get(0);
                }
                Adam.step(a, m, v, grad, t, config.testLr());
            }
        }
        return a;
    }

    /**
     * Logits of the mirrored support images (the second half of {@code emb}) against the prototypes
     * of the unmirrored ones (the first half).
     */
    static NDArray mirrorLogits(NDArray emb, EpisodeSize size) {
        long n = emb.getShape().get(0) / 2;
        NDArray support = emb.get(new NDIndex("0:{}", n));
        NDArray mirrored = emb.get(new NDIndex("{}:", n));
        return Prototypes.logits(mirrored, Prototypes.of(support, size.ways(), size.shots()));
    }

    /**
     * Logits of each support embedding against the class prototypes, its own class's prototype
     * being the mean of that class's other support embeddings.
     *
     * @param emb support embeddings {@code (ways * shots, D)}, class-major, shots at least 2
     * @param labels the episode labels of the support images, {@link Episode#supportLabels}
     */
    static NDArray leaveOneOutLogits(NDArray emb, NDArray labels, EpisodeSize size) {
        int ways = size.ways();
        int shots = size.shots();
        long d = emb.getShape().get(1);
        NDArray sums = emb.reshape(ways, shots, d).sum(new int[] {1});
        NDArray all = Prototypes.logits(emb, sums.div(shots));
        NDArray ownSum = sums.expandDims(1).repeat(1, shots).reshape(ways * shots, d);
        NDArray own = emb.sub(ownSum.sub(emb).div(shots - 1)).square().sum(new int[] {1}).neg();
        NDArray oneHot = labels.oneHot(ways).toType(emb.getDataType(), false);
        return all.mul(oneHot.neg().add(1)).add(own.expandDims(1).mul(oneHot));
    }

    /**
     * The query accuracy of one episode under the weights {@code ws} of one or more ensemble
     * members, without a graph and without touching {@code states} (their running statistics, used
     * unless batch-norm is transductive): each member's embeddings are transformed on their own,
     * then concatenated, so squared distances add up over the members.
     */
    private static double accuracy(
            Sequential net,
            List<NDArray> ws,
            List<ModelState> states,
            LabeledImages.Tensors data,
            Episode episode,
            ProtoNetConfig config,
            NDManager run) {
        try (NDManager sm = run.newSubManager()) {
            NDArray x = data.batch(sm, episode.supportThenQuery()).get(0);
            NDList features = new NDList(ws.size());
            for (int k = 0; k < ws.size(); k++) {
                NDArray w = ws.get(k);
                w.tempAttach(sm);
                NDArray emb =
                        config.transductiveBatchNorm()
                                // A throw-away state: the episode's statistics must not leak into
                                // the running statistics that meta-training keeps.
                                ? net.forward(w, x, net.newState(sm), true)
                                : net.forward(w, x, states.get(k), false);
                features.add(config.featureTransform().apply(emb, episode.support().length));
            }
            NDArray all = features.size() == 1 ? features.get(0) : NDArrays.concat(features, 1);
            NDArray logits =
                    switch (config.head()) {
                        case PROTOTYPES -> logits(all, episode);
                        case LOGISTIC ->
                                LogisticHead.queryLogits(
                                        all, episode.size(), config.headL2(), config.headSteps());
                    };
            return Accuracy.of(logits, sm.create(episode.queryLabels()));
        }
    }

    /** Query logits from the embeddings of an episode's support then query images. */
    private static NDArray logits(NDArray embeddings, Episode episode) {
        EpisodeSize size = episode.size();
        int nSupport = episode.support().length;
        NDArray support = embeddings.get(new NDIndex("0:{}", nSupport));
        NDArray query = embeddings.get(new NDIndex("{}:", nSupport));
        return Prototypes.logits(query, Prototypes.of(support, size.ways(), size.shots()));
    }

    /** Member {@code k}'s state: from its checkpoint if there is one, else freshly initialised. */
    private static TrainingState resume(
            RunContext ctx, Sequential net, NDManager run, int k, int ensemble) {
        Optional<byte[]> saved = ctx.checkpoints().load(checkpointName(k));
        if (saved.isPresent()) {
            TrainingState s = TrainingState.decode(run, saved.get());
            ctx.info(
                    "Resuming baselines/protonet"
                            + (ensemble == 1 ? "" : " member " + (k + 1) + " of " + ensemble)
                            + " from its checkpoint after episode "
                            + s.episode
                            + ".");
            return s;
        }
        long seed = k == 0 ? ctx.seeds().derive("init") : ctx.seeds().derive("init", k);
        NDArray w = net.initialParameters(run, seed);
        return new TrainingState(
                w, w.zerosLike(), w.zerosLike(), net.newState(run), 0, 0, 0, new ArrayList<>());
    }

    /**
     * The run's result: the test accuracy of the members together, the meta-validation accuracy of
     * the members together ({@code validationAcc}), the last training loss averaged over the
     * members and each member's curves.
     */
    private static RunResult result(
            ProtoNetConfig config,
            Sequential net,
            List<TrainingState> members,
            double validationAcc,
            String eval,
            EpisodeAccuracy summary,
            double[] testAcc) {
        MemberCurves curves = MemberCurves.of(members.stream().map(m -> m.curve).toList());
        RunResult.Builder out =
                summary.addTo(RunResult.builder(), eval, testAcc)
                        .metric("meta_validation_accuracy", validationAcc)
                        .metric("train_episodes", config.trainEpisodes())
                        .metric("parameters", (long) members.size() * net.parameterCount());
        if (config.trainEpisodes() > 0) {
            out.metric("train_loss", curves.lastLoss());
        }
        String shape = config.ways() + "-way " + config.shots() + "-shot";
        String title = members.size() == 1 ? "" : ", each member";
        return out.plot(
                        "meta-validation-accuracy",
                        new Plot(
                                "Meta-validation accuracy (" + shape + title + ")",
                                "meta-training episode",
                                "query accuracy",
                                curves.accuracy()))
                .plot(
                        "train-loss",
                        new Plot(
                                "Query loss between evaluations" + title,
                                "meta-training episode",
                                "cross-entropy",
                                curves.loss()))
                .build();
    }

    /** What meta-training carries from episode to episode, and what a checkpoint holds. */
    static final class TrainingState {
        final NDArray w;
        final NDArray m;
        final NDArray v;
        final ModelState state;
        int episode;
        double lossSum;
        int lossCount;

        /** Rows {@code (episode, meta-validation accuracy, mean query loss since last row)}. */
        final List<double[]> curve;

        TrainingState(
                NDArray w,
                NDArray m,
                NDArray v,
                ModelState state,
                int episode,
                double lossSum,
                int lossCount,
                List<double[]> curve) {
            this.w = w;
            this.m = m;
            this.v = v;
            this.state = state;
            this.episode = episode;
            this.lossSum = lossSum;
            this.lossCount = lossCount;
            this.curve = curve;
        }

        byte[] encode(NDManager manager) {
            double[] flat = new double[3 + 3 * curve.size()];
            flat[0] = episode;
            flat[1] = lossSum;
            flat[2] = lossCount;
            for (int i = 0; i < curve.size(); i++) {
                System.arraycopy(curve.get(i), 0, flat, 3 + 3 * i, 3);
            }
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("w", w);
            arrays.put("m", m);
            arrays.put("v", v);
            return new NamedCheckpoint(arrays, flat, state).encode(manager);
        }

        static TrainingState decode(NDManager manager, byte[] bytes) {
            NamedCheckpoint c =
                    NamedCheckpoint.decode(manager, bytes, "baselines/protonet", "w", "m", "v");
            double[] meta = c.meta();
            List<double[]> curve = new ArrayList<>();
            for (int i = 3; i + 2 < meta.length; i += 3) {
                curve.add(Arrays.copyOfRange(meta, i, i + 3));
            }
            return new TrainingState(
                    c.arrays().get("w"),
                    c.arrays().get("m"),
                    c.arrays().get("v"),
                    c.state(),
                    (int) meta[0],
                    meta[1],
                    (int) meta[2],
                    curve);
        }
    }
}

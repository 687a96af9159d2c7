package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.metric.Accuracy;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;

/**
 * The episodic meta-training loop that MAML and Reptile share: outer steps over meta-batches of
 * training episodes, meta-validation every {@code eval-every} steps, checkpoints every {@code
 * checkpoint-every} steps, then the fixed meta-test episodes.
 *
 * <p>Outer step {@code i} uses training episodes {@code i * metaBatch .. (i + 1) * metaBatch - 1},
 * each drawn from its own seeded stream ({@link EpisodicTask}), so a resumed run sees the episodes
 * an uninterrupted one would. Evaluation of an episode fine-tunes a copy of the initialisation with
 * {@code inner-steps-test} SGD steps of {@code inner-lr} on its support set and scores its queries
 * (batch-norm on the query batch's statistics, as the reference MAML code does). With {@code
 * ensemble} above one, that many initialisations are meta-trained one after the other, each on its
 * own stream of training episodes from its own start, and a query goes to the class of highest mean
 * softmax probability over their fine-tuned copies. The reported accuracy is the mean over the test
 * episodes with its 95% confidence interval; the same seed, data, classes and episode shape give
 * every few-shot method the same test episodes.
 */
final class MetaTraining {

    /** One outer step: updates the state's arrays in place and returns the mean task loss. */
    interface OuterStep {
        /**
         * @param net the classifier whose flat weights {@code s.w()} are
         * @param s the state; its arrays are temp-attached to the step's manager, which also holds
         *     the episodes' tensors
         * @param iteration the 0-based outer step
         * @param tasks the meta-batch
         */
        double apply(
                Sequential net, State s, int iteration, List<ConvClassifier.EpisodeTensors> tasks);
    }

    private MetaTraining() {}

    /**
     * Runs meta-training and meta-testing: {@code ensemble} initialisations meta-trained one after
     * the other (one, the method as published, by default), then the fixed test episodes.
     *
     * @param component the full component id, for messages and checkpoints
     * @param moments names of arrays the step keeps beside the weights {@code w} (e.g. Adam's),
     *     zeros at the start
     * @param divergenceHint what to lower when the loss is not finite
     */
    static RunResult run(
            RunContext ctx,
            MetaTrainingConfig c,
            Task task,
            String component,
            List<String> moments,
            String divergenceHint,
            OuterStep step) {
        EpisodeSize size = c.episodeSize();
        EpisodicTask data =
                EpisodicTask.create(
                        task,
                        c.trainClasses(),
                        c.testClasses(),
                        c.validationFraction(),
                        size,
                        size.ways(),
                        c.classAugmentation(),
                        ctx.seeds(),
                        "config of " + component);
        Sequential net = ConvClassifier.of(task.train().sampleShape(), c.channels(), c.ways());
        NDManager run = ctx.manager();
        Autodiff ad = ctx.autodiff();
        int ensemble = c.ensemble();
        List<Episode> validation = data.validationEpisodes(c.validationEpisodes());
        String eval = task.evalName();
        List<State> members = new ArrayList<>();
        double validationAcc;
        double[] testAcc;
        try (LabeledImages.Tensors trainData = data.metaTrain().upload(run);
                LabeledImages.Tensors valData = data.metaValidation().upload(run);
                Progress progress =
                        ctx.progress(
                                component
                                        + " "
                                        + (long) ensemble * net.parameterCount()
                                        + " params",
                                (long) ensemble * c.trainIterations() + c.testEpisodes(),
                                "step")) {
            for (int k = 0; k < ensemble; k++) {
                Member member = new Member(k, ensemble, component);
                State s = resume(ctx, net, run, member, moments);
                progress.step(s.iteration);
                metaTrain(
                        ctx,
                        ad,
                        net,
                        s,
                        member,
                        data,
                        trainData,
                        valData,
                        validation,
                        c,
                        progress,
                        divergenceHint,
                        step);
                if (k < ensemble - 1) {
                    // A finished member is not trained again when a later one is interrupted.
                    ctx.checkpoints().save(member.checkpoint(), s.encode(run));
                }
                members.add(s);
            }
            List<NDArray> ws = members.stream().map(State::w).toList();
            validationAcc =
                    ensemble == 1
                            ? members.get(0).curve.get(members.get(0).curve.size() - 1)[1]
                            : evaluate(ad, net, ws, valData, validation, c);
            List<Episode> test = data.testEpisodes(c.testEpisodes());
            try (LabeledImages.Tensors testData = data.metaTest().upload(run)) {
                testAcc = new double[test.size()];
                for (int i = 0; i < test.size(); i++) {
                    ctx.checkCancelled();
                    testAcc[i] = accuracy(ad, net, ws, testData, test.get(i), c);
                    progress.step(1);
                }
            }
        }
        EpisodeAccuracy summary = EpisodeAccuracy.of(testAcc);
        ctx.info(
                String.format(
                        Locale.ROOT,
                        "%s %d-way %d-shot %s accuracy %.4f +- %.4f over %d episodes",
                        component,
                        size.ways(),
                        size.shots(),
                        eval,
                        summary.mean(),
                        summary.ci95(),
                        summary.episodes()));
        return result(c, net, members, validationAcc, eval, summary, testAcc);
    }

    /**
     * Ensemble member {@code k} (0-based) of {@code count}: its name in messages and its
     * checkpoint's; member 0's checkpoint is that of a single initialisation.
     */
    private record Member(int k, int count, String component) {
        String label() {
            return count == 1 ? "" : " (member " + (k + 1) + ")";
        }

        String checkpoint() {
            return k == 0 ? component : component + "-member-" + (k + 1);
        }
    }

    /**
     * Meta-trains one member from where {@code s} stands to {@code train-iterations}, on its own
     * stream of training episodes, with meta-validation every {@code eval-every} outer steps and
     * checkpoints every {@code checkpoint-every}.
     */
    private static void metaTrain(
            RunContext ctx,
            Autodiff ad,
            Sequential net,
            State s,
            Member member,
            EpisodicTask data,
            LabeledImages.Tensors trainData,
            LabeledImages.Tensors valData,
            List<Episode> validation,
            MetaTrainingConfig c,
            Progress progress,
            String divergenceHint,
            OuterStep step) {
        NDManager run = ctx.manager();
        if (s.curve.isEmpty()) {
            double acc = evaluate(ad, net, List.of(s.w()), valData, validation, c);
            s.curve.add(new double[] {0, acc, Double.NaN});
        }
        for (int i = s.iteration; i < c.trainIterations(); i++) {
            ctx.checkCancelled();
            double loss;
            try (NDManager it = run.newSubManager()) {
                for (NDArray a : s.arrays.values()) {
                    a.tempAttach(it);
                }
                List<ConvClassifier.EpisodeTensors> tasks = new ArrayList<>();
                for (int t = 0; t < c.metaBatch(); t++) {
                    Episode e = data.trainEpisode(member.k(), (long) i * c.metaBatch() + t);
                    tasks.add(ConvClassifier.EpisodeTensors.of(it, trainData, e));
                }
                loss = step.apply(net, s, i, tasks);
            }
            if (!Double.isFinite(loss)) {
                throw new RunFailedException(
                        String.format(
                                Locale.ROOT,
                                "%s diverged at outer step %d%s (task loss %s); lower %s.",
                                member.component(),
                                i + 1,
                                member.label(),
                                loss,
                                divergenceHint));
            }
            s.iteration = i + 1;
            s.lossSum += loss;
            s.lossCount++;
            progress.step(1);
            if (s.iteration % c.evalEvery() == 0 || s.iteration == c.trainIterations()) {
                double acc = evaluate(ad, net, List.of(s.w()), valData, validation, c);
                s.curve.add(new double[] {s.iteration, acc, s.lossSum / s.lossCount});
                s.lossSum = 0;
                s.lossCount = 0;
                progress.status(
                        String.format(
                                Locale.ROOT,
                                "step %d%s meta-validation accuracy %.4f",
                                s.iteration,
                                member.label(),
                                acc));
            }
            if (s.iteration % c.checkpointEvery() == 0 && s.iteration < c.trainIterations()) {
                ctx.checkpoints().save(member.checkpoint(), s.encode(run));
            }
        }
    }

    /**
     * Mean query accuracy over {@code episodes} of the initialisations {@code ws} together, each
     * fine-tuned on each support set (see {@link #accuracy}).
     */
    static double evaluate(
            Autodiff ad,
            Sequential net,
            List<NDArray> ws,
            LabeledImages.Tensors data,
            List<Episode> episodes,
            MetaTrainingConfig c) {
        double sum = 0;
        for (Episode e : episodes) {
            sum += accuracy(ad, net, ws, data, e, c);
        }
        return sum / episodes.size();
    }

    /**
     * One episode's query accuracy after fine-tuning each initialisation of {@code ws} on its
     * support set: one initialisation's own predictions, or, for several, the class of highest mean
     * softmax probability over them ({@link #meanProbabilities}).
     */
    static double accuracy(
            Autodiff ad,
            Sequential net,
            List<NDArray> ws,
            LabeledImages.Tensors data,
            Episode episode,
            MetaTrainingConfig c) {
        try (NDManager sm = ws.get(0).getManager().newSubManager()) {
            for (NDArray w : ws) {
                w.tempAttach(sm);
            }
            ConvClassifier.EpisodeTensors t = ConvClassifier.EpisodeTensors.of(sm, data, episode);
            List<NDArray> logits = new ArrayList<>();
            for (NDArray w : ws) {
                logits.add(ConvClassifier.logits(net, fineTune(ad, net, w, t, c), t.xq()));
            }
            NDArray scores = logits.size() == 1 ? logits.get(0) : meanProbabilities(logits);
            return Accuracy.of(scores, t.yq());
        }
    }

    /** The mean over {@code logits} (each {@code (B, K)}) of their softmax over classes. */
    static NDArray meanProbabilities(List<NDArray> logits) {
        NDArray sum = logits.get(0).softmax(1);
        for (int i = 1; i < logits.size(); i++) {
            sum = sum.add(logits.get(i).softmax(1));
        }
        return sum.div(logits.size());
    }

    /** {@code w} fine-tuned on the support set of {@code t} as evaluation does. */
    private static NDArray fineTune(
            Autodiff ad,
            Sequential net,
            NDArray w,
            ConvClassifier.EpisodeTensors t,
            MetaTrainingConfig c) {
        int steps = c.innerStepsTest();
        double lr = c.testLearningRate();
        return switch (c.testOptimizer()) {
            case SGD -> ConvClassifier.sgd(ad, net, w, t.xs(), t.ys(), steps, lr);
            case ADAM -> ConvClassifier.adam(ad, net, w, t.xs(), t.ys(), steps, lr);
        };
    }

    /** Member {@code k}'s state: from its checkpoint if there is one, else freshly initialised. */
    private static State resume(
            RunContext ctx, Sequential net, NDManager run, Member member, List<String> moments) {
        Optional<byte[]> saved = ctx.checkpoints().load(member.checkpoint());
        if (saved.isPresent()) {
            List<String> names = new ArrayList<>();
            names.add("w");
            names.addAll(moments);
            NamedCheckpoint cp =
                    NamedCheckpoint.decode(
                            run, saved.get(), member.component(), names.toArray(String[]::new));
            State s = State.of(cp);
            ctx.info(
                    "Resuming "
                            + member.component()
                            + (member.count() == 1
                                    ? ""
                                    : " member " + (member.k() + 1) + " of " + member.count())
                            + " from its checkpoint after step "
                            + s.iteration
                            + ".");
            return s;
        }
        int k = member.k();
        long seed = k == 0 ? ctx.seeds().derive("init") : ctx.seeds().derive("init", k);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        NDArray w = net.initialParameters(run, seed);
        arrays.put("w", w);
        for (String m : moments) {
            arrays.put(m, w.zerosLike());
        }
        return new State(arrays, 0, 0, 0, new ArrayList<>());
    }

    /**
     * The run's result: the test accuracy of the members together, their meta-validation accuracy
     * together ({@code validationAcc}), the last training loss averaged over the members and each
     * member's curves.
     */
    private static RunResult result(
            MetaTrainingConfig c,
            Sequential net,
            List<State> members,
            double validationAcc,
            String eval,
            EpisodeAccuracy summary,
            double[] testAcc) {
        MemberCurves curves = MemberCurves.of(members.stream().map(m -> m.curve).toList());
        RunResult.Builder out =
                summary.addTo(RunResult.builder(), eval, testAcc)
                        .metric("meta_validation_accuracy", validationAcc)
                        .metric("train_iterations", c.trainIterations())
                        .metric("parameters", (long) members.size() * net.parameterCount());
        if (c.trainIterations() > 0) {
            out.metric("train_loss", curves.lastLoss());
        }
        String shape = c.ways() + "-way " + c.shots() + "-shot";
        String title = members.size() == 1 ? "" : ", each member";
        return out.plot(
                        "meta-validation-accuracy",
                        new Plot(
                                "Meta-validation accuracy after fine-tuning ("
                                        + shape
                                        + title
                                        + ")",
                                "outer step",
                                "query accuracy",
                                curves.accuracy()))
                .plot(
                        "train-loss",
                        new Plot(
                                "Mean task loss between evaluations" + title,
                                "outer step",
                                "cross-entropy",
                                curves.loss()))
                .build();
    }

    /** What meta-training carries from step to step, and what a checkpoint holds. */
    static final class State {
        /** The initialisation {@code w}, then the step's own arrays, updated in place. */
        final Map<String, NDArray> arrays;

        int iteration;
        double lossSum;
        int lossCount;

        /** Rows {@code (step, meta-validation accuracy, mean task loss since the last row)}. */
        final List<double[]> curve;

        State(
                Map<String, NDArray> arrays,
                int iteration,
                double lossSum,
                int lossCount,
                List<double[]> curve) {
            this.arrays = arrays;
            this.iteration = iteration;
            this.lossSum = lossSum;
            this.lossCount = lossCount;
            this.curve = curve;
        }

        /** The initialisation being meta-learned. */
        NDArray w() {
            return arrays.get("w");
        }

        /** The array named {@code name}. */
        NDArray array(String name) {
            return arrays.get(name);
        }

        byte[] encode(NDManager manager) {
            double[] flat = new double[3 + 3 * curve.size()];
            flat[0] = iteration;
            flat[1] = lossSum;
            flat[2] = lossCount;
            for (int i = 0; i < curve.size(); i++) {
                System.arraycopy(curve.get(i), 0, flat, 3 + 3 * i, 3);
            }
            return new NamedCheckpoint(arrays, flat, new ModelState()).encode(manager);
        }

        static State of(NamedCheckpoint c) {
            double[] meta = c.meta();
            List<double[]> curve = new ArrayList<>();
            for (int i = 3; i + 2 < meta.length; i += 3) {
                curve.add(Arrays.copyOfRange(meta, i, i + 3));
            }
            return new State(
                    new LinkedHashMap<>(c.arrays()), (int) meta[0], meta[1], (int) meta[2], curve);
        }
    }
}

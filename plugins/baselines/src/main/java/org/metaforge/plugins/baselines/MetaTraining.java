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
 * (batch-norm on the query batch's statistics, as the reference MAML code does). The reported
 * accuracy is the mean over the test episodes with its 95% confidence interval; the same seed,
 * data, classes and episode shape give every few-shot method the same test episodes.
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
     * Runs meta-training and meta-testing.
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
        State s = resume(ctx, net, run, component, moments);
        List<Episode> validation = data.validationEpisodes(c.validationEpisodes());
        String eval = task.evalName();
        double[] testAcc;
        try (LabeledImages.Tensors trainData = data.metaTrain().upload(run);
                LabeledImages.Tensors valData = data.metaValidation().upload(run);
                Progress progress =
                        ctx.progress(
                                component + " " + net.parameterCount() + " params",
                                (long) c.trainIterations() + c.testEpisodes(),
                                "step")) {
            if (s.curve.isEmpty()) {
                double acc = evaluate(ad, net, s.w(), valData, validation, c);
                s.curve.add(new double[] {0, acc, Double.NaN});
            }
            progress.step(s.iteration);
            for (int i = s.iteration; i < c.trainIterations(); i++) {
                ctx.checkCancelled();
                double loss;
                try (NDManager it = run.newSubManager()) {
                    for (NDArray a : s.arrays.values()) {
                        a.tempAttach(it);
                    }
                    List<ConvClassifier.EpisodeTensors> tasks = new ArrayList<>();
                    for (int t = 0; t < c.metaBatch(); t++) {
                        Episode e = data.trainEpisode((long) i * c.metaBatch() + t);
                        tasks.add(ConvClassifier.EpisodeTensors.of(it, trainData, e));
                    }
                    loss = step.apply(net, s, i, tasks);
                }
                if (!Double.isFinite(loss)) {
                    throw new RunFailedException(
                            String.format(
                                    Locale.ROOT,
                                    "%s diverged at outer step %d (task loss %s); lower %s.",
                                    component,
                                    i + 1,
                                    loss,
                                    divergenceHint));
                }
                s.iteration = i + 1;
                s.lossSum += loss;
                s.lossCount++;
                progress.step(1);
                if (s.iteration % c.evalEvery() == 0 || s.iteration == c.trainIterations()) {
                    double acc = evaluate(ad, net, s.w(), valData, validation, c);
                    s.curve.add(new double[] {s.iteration, acc, s.lossSum / s.lossCount});
                    s.lossSum = 0;
                    s.lossCount = 0;
                    progress.status(
                            String.format(
                                    Locale.ROOT,
                                    "step %d meta-validation accuracy %.4f",
                                    s.iteration,
                                    acc));
                }
                if (s.iteration % c.checkpointEvery() == 0 && s.iteration < c.trainIterations()) {
                    ctx.checkpoints().save(component, s.encode(run));
                }
            }
            List<Episode> test = data.testEpisodes(c.testEpisodes());
            try (LabeledImages.Tensors testData = data.metaTest().upload(run)) {
                testAcc = new double[test.size()];
                for (int i = 0; i < test.size(); i++) {
                    ctx.checkCancelled();
                    testAcc[i] = accuracy(ad, net, s.w(), testData, test.get(i), c);
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
        return result(c, net, s, eval, summary, testAcc);
    }

    /** Mean query accuracy over {@code episodes} after fine-tuning on each support set. */
    static double evaluate(
            Autodiff ad,
            Sequential net,
            NDArray w,
            LabeledImages.Tensors data,
            List<Episode> episodes,
            MetaTrainingConfig c) {
        double sum = 0;
        for (Episode e : episodes) {
            sum += accuracy(ad, net, w, data, e, c);
        }
        return sum / episodes.size();
    }

    /** One episode's query accuracy after fine-tuning {@code w} on its support set. */
    static double accuracy(
            Autodiff ad,
            Sequential net,
            NDArray w,
            LabeledImages.Tensors data,
            Episode episode,
            MetaTrainingConfig c) {
        try (NDManager sm = w.getManager().newSubManager()) {
            w.tempAttach(sm);
            ConvClassifier.EpisodeTensors t = ConvClassifier.EpisodeTensors.of(sm, data, episode);
            int steps = c.innerStepsTest();
            double lr = c.testLearningRate();
            NDArray adapted =
                    switch (c.testOptimizer()) {
                        case SGD -> ConvClassifier.sgd(ad, net, w, t.xs(), t.ys(), steps, lr);
                        case ADAM -> ConvClassifier.adam(ad, net, w, t.xs(), t.ys(), steps, lr);
                    };
            return ConvClassifier.accuracy(net, adapted, t.xq(), t.yq());
        }
    }

    private static State resume(
            RunContext ctx, Sequential net, NDManager run, String component, List<String> moments) {
        Optional<byte[]> saved = ctx.checkpoints().load(component);
        if (saved.isPresent()) {
            List<String> names = new ArrayList<>();
            names.add("w");
            names.addAll(moments);
            NamedCheckpoint cp =
                    NamedCheckpoint.decode(
                            run, saved.get(), component, names.toArray(String[]::new));
            State s = State.of(cp);
            ctx.info(
                    "Resuming "
                            + component
                            + " from its checkpoint after step "
                            + s.iteration
                            + ".");
            return s;
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        NDArray w = net.initialParameters(run, ctx.seeds().derive("init"));
        arrays.put("w", w);
        for (String m : moments) {
            arrays.put(m, w.zerosLike());
        }
        return new State(arrays, 0, 0, 0, new ArrayList<>());
    }

    private static RunResult result(
            MetaTrainingConfig c,
            Sequential net,
            State s,
            String eval,
            EpisodeAccuracy summary,
            double[] testAcc) {
        int n = s.curve.size();
        double[] x = new double[n];
        double[] acc = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = s.curve.get(i)[0];
            acc[i] = s.curve.get(i)[1];
        }
        // The first point (step 0) has no training loss.
        double[] lossX = Arrays.copyOfRange(x, 1, n);
        double[] loss = new double[n - 1];
        for (int i = 1; i < n; i++) {
            loss[i - 1] = s.curve.get(i)[2];
        }
        RunResult.Builder out =
                summary.addTo(RunResult.builder(), eval, testAcc)
                        .metric("meta_validation_accuracy", acc[n - 1])
                        .metric("train_iterations", c.trainIterations())
                        .metric("parameters", net.parameterCount());
        if (loss.length > 0) {
            out.metric("train_loss", loss[loss.length - 1]);
        }
        String shape = c.ways() + "-way " + c.shots() + "-shot";
        return out.plot(
                        "meta-validation-accuracy",
                        new Plot(
                                "Meta-validation accuracy after fine-tuning (" + shape + ")",
                                "outer step",
                                "query accuracy",
                                List.of(new Plot.Series("meta-validation", x, acc))))
                .plot(
                        "train-loss",
                        new Plot(
                                "Mean task loss between evaluations",
                                "outer step",
                                "cross-entropy",
                                List.of(new Plot.Series("meta-train", lossX, loss))))
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

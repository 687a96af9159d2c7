package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Locale;
import org.metaforge.sdk.Learner;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.pf4j.Extension;

/**
 * The floor every few-shot method must clear: for each fixed test episode, a freshly initialised
 * network trained on that episode's support set alone.
 *
 * <p>The network is the one MAML and Reptile adapt ({@link ConvClassifier}), initialised from its
 * own seed per episode (PyTorch's default initialisation), trained with {@code steps} full-batch
 * Adam steps on the support set, and scored on the queries with batch-norm on the query batch's
 * statistics, as MAML's and Reptile's evaluations are. Nothing is learned from the training
 * classes; they only fix the class split, so the test episodes are the same as the meta-learners'
 * for the same seed.
 */
@Extension
public class SupportOnlyLearner implements Learner<SupportOnlyConfig> {

    static final String ID = "baselines/support-only";

    @Override
    public String name() {
        return "support-only";
    }

    @Override
    public String description() {
        return "Baseline: a freshly initialised four-block conv net trained by Adam on each test"
                + " episode's support set only, scored on its queries.";
    }

    @Override
    public Class<SupportOnlyConfig> configType() {
        return SupportOnlyConfig.class;
    }

    @Override
    public RunResult fit(RunContext ctx, SupportOnlyConfig c, Task task) {
        EpisodeSize size = c.episodeSize();
        EpisodicTask data =
                EpisodicTask.create(
                        task,
                        c.trainClasses(),
                        c.testClasses(),
                        c.validationFraction(),
                        size,
                        ctx.seeds(),
                        "config of " + ID);
        Sequential net = ConvClassifier.of(task.train().sampleShape(), c.channels(), c.ways());
        Autodiff ad = ctx.autodiff();
        NDManager run = ctx.manager();
        List<Episode> test = data.testEpisodes(c.testEpisodes());
        double[] acc = new double[test.size()];
        double lossSum = 0;
        try (LabeledImages.Tensors testData = data.metaTest().upload(run);
                Progress progress =
                        ctx.progress(
                                ID + " " + net.parameterCount() + " params",
                                test.size(),
                                "episode")) {
            for (int i = 0; i < test.size(); i++) {
                ctx.checkCancelled();
                try (NDManager sm = run.newSubManager()) {
                    ConvClassifier.EpisodeTensors t =
                            ConvClassifier.EpisodeTensors.of(sm, testData, test.get(i));
                    NDArray init = net.initialParameters(sm, ctx.seeds().derive("episode-init", i));
                    NDArray w =
                            ConvClassifier.adam(ad, net, init, t.xs(), t.ys(), c.steps(), c.lr());
                    double loss =
                            ConvClassifier.loss(net, w, t.xs(), t.ys())
                                    .toType(DataType.FLOAT64, false)
                                    .getDouble();
                    if (!Double.isFinite(loss)) {
                        throw new RunFailedException(
                                String.format(
                                        Locale.ROOT,
                                        "%s diverged on test episode %d (support loss %s); lower"
                                                + " lr (now %.4g).",
                                        ID,
                                        i,
                                        loss,
                                        c.lr()));
                    }
                    lossSum += loss;
                    acc[i] = ConvClassifier.accuracy(net, w, t.xq(), t.yq());
                }
                progress.step(1);
            }
        }
        EpisodeAccuracy summary = EpisodeAccuracy.of(acc);
        String eval = task.evalName();
        ctx.info(
                String.format(
                        Locale.ROOT,
                        "%s %d-way %d-shot %s accuracy %.4f +- %.4f over %d episodes",
                        ID,
                        size.ways(),
                        size.shots(),
                        eval,
                        summary.mean(),
                        summary.ci95(),
                        summary.episodes()));
        return summary.addTo(RunResult.builder(), eval, acc)
                .metric("support_loss", lossSum / test.size())
                .metric("parameters", net.parameterCount())
                .build();
    }
}

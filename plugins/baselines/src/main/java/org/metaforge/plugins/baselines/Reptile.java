package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.metaforge.sdk.MetaOptimizer;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.pf4j.Extension;

/**
 * Reptile (Nichol, Achiam and Schulman, 2018): meta-learns a network initialisation by moving it
 * towards the weights that SGD reaches on each task.
 *
 * <p>For each task of a meta-batch, {@code inner-steps} SGD steps of {@code inner-lr} from the
 * initialisation {@code theta} on the task's support and query images together (training uses all
 * of a task's labelled images, as Reptile does) reach {@code W_i}; the outer update is {@code theta
 * <- theta + epsilon (mean_i W_i - theta)} (algorithm 2 of the paper, the batched version), with
 * {@code epsilon} annealed linearly from {@code outer-step} at the first outer step towards zero.
 * Evaluation fine-tunes on the support set only and scores the queries, by default exactly as
 * {@link Maml}'s (SGD); {@code test-optimizer: adam} fine-tunes with Adam instead. The inner
 * optimiser of meta-training is SGD rather than the paper's Adam; see {@link ReptileConfig}. With
 * {@code ensemble: n}, n initialisations are meta-trained one after the other, each from its own
 * random start on its own training episodes, and evaluation averages the softmax probabilities of
 * the n fine-tuned networks.
 */
@Extension
public class Reptile implements MetaOptimizer<ReptileConfig> {

    static final String ID = "baselines/reptile";

    @Override
    public String name() {
        return "reptile";
    }

    @Override
    public String description() {
        return "Reptile: meta-learns a four-block conv net initialisation by interpolating it"
                + " towards the weights SGD reaches on each task.";
    }

    @Override
    public Class<ReptileConfig> configType() {
        return ReptileConfig.class;
    }

    @Override
    public RunResult optimize(RunContext ctx, ReptileConfig c, Task task) {
        Autodiff ad = ctx.autodiff();
        String hint = String.format(Locale.ROOT, "inner-lr (now %.4g)", c.innerLr());
        return MetaTraining.run(
                ctx,
                c,
                task,
                ID,
                List.of(),
                hint,
                (net, s, iteration, tasks) ->
                        step(
                                ad,
                                net,
                                s.w(),
                                tasks,
                                c.innerSteps(),
                                c.innerLr(),
                                outerStep(c.outerStep(), iteration, c.trainIterations())));
    }

    /**
     * One outer step in place: {@code steps} SGD steps of {@code lr} from {@code theta} on each
     * task's support and query images together, then {@link #interpolate}. Returns the mean loss of
     * the adapted weights on their tasks' images.
     */
    static double step(
            Autodiff ad,
            FunctionalModel net,
            NDArray theta,
            List<ConvClassifier.EpisodeTensors> tasks,
            int steps,
            double lr,
            double epsilon) {
        List<NDArray> adapted = new ArrayList<>();
        double loss = 0;
        for (ConvClassifier.EpisodeTensors t : tasks) {
            ConvClassifier.EpisodeTensors all = t.merged();
            NDArray w = ConvClassifier.sgd(ad, net, theta, all.xs(), all.ys(), steps, lr);
            loss +=
                    ConvClassifier.loss(net, w, all.xs(), all.ys())
                            .toType(DataType.FLOAT64, false)
                            .getDouble();
            adapted.add(w);
        }
        interpolate(theta, adapted, epsilon);
        return loss / tasks.size();
    }

    /**
     * The outer step size of outer step {@code iteration} (0-based): linear from {@code first} to
     * 0.
     */
    static double outerStep(double first, int iteration, int iterations) {
        return first * (1 - (double) iteration / iterations);
    }

    /**
     * The outer update in place: {@code theta <- theta + epsilon (mean(adapted) - theta)}. No graph
     * is involved; temporaries land on {@code theta}'s manager.
     */
    static void interpolate(NDArray theta, List<NDArray> adapted, double epsilon) {
        NDArray sum = adapted.get(0);
        for (int i = 1; i < adapted.size(); i++) {
            sum = sum.add(adapted.get(i));
        }
        NDArray mean = sum.div(adapted.size());
        theta.addi(mean.sub(theta).mul(epsilon));
    }
}

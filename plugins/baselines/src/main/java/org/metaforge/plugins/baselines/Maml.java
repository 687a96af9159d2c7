package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Locale;
import org.metaforge.sdk.GradientChecked;
import org.metaforge.sdk.MetaOptimizer;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.Scalars;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.pf4j.Extension;

/**
 * Model-Agnostic Meta-Learning (Finn, Abbeel and Levine, 2017): meta-learns a network
 * initialisation from which a few SGD steps on a task's support set fit the task.
 *
 * <p>For each task of a meta-batch, the inner loop takes {@code inner-steps} SGD steps from the
 * initialisation {@code theta} on the support loss, {@code w_{k+1} = w_k - alpha grad L_s(w_k)}
 * (eq. 1 of the paper, repeated), and the outer loop takes one Adam step on the mean query loss
 * {@code L_q(w_K(theta))} over the meta-batch (eq. 2 and 3). The meta-gradient is exact: the inner
 * gradients carry their own graph ({@code createGraph}), so differentiating the query loss with
 * respect to {@code theta} goes through every inner step, Hessian-vector products included. With
 * {@code first-order: true} (first-order MAML, section 5.2 of the paper) the inner gradients are
 * treated as constants and the meta-gradient is the query gradient at the adapted weights.
 *
 * <p>The network is the four-block conv net of the literature with a linear head ({@link
 * ConvClassifier}), batch-norm on batch statistics as in the reference code. Episodes, fixed test
 * episodes, reporting, checkpoints and evaluation come from {@link MetaTraining}.
 *
 * <p>The exact meta-gradient needs the host's second-order {@link Autodiff}; {@code metaforge
 * gradcheck} compares it with central finite differences of the query loss.
 */
@Extension
public class Maml implements MetaOptimizer<MamlConfig>, GradientChecked<MamlConfig> {

    static final String ID = "baselines/maml";

    @Override
    public String name() {
        return "maml";
    }

    @Override
    public String description() {
        return "MAML: meta-learns a four-block conv net initialisation by SGD inner loops on"
                + " support sets and Adam on query losses (second order, or first order).";
    }

    @Override
    public Class<MamlConfig> configType() {
        return MamlConfig.class;
    }

    @Override
    public RunResult optimize(RunContext ctx, MamlConfig c, Task task) {
        Autodiff ad = ctx.autodiff();
        String hint =
                String.format(
                        Locale.ROOT,
                        "inner-lr (now %.4g) or outer-lr (now %.4g)",
                        c.innerLr(),
                        c.outerLr());
        return MetaTraining.run(
                ctx,
                c,
                task,
                ID,
                List.of("m", "v"),
                hint,
                (net, s, iteration, tasks) -> {
                    NDArray sum = null;
                    double loss = 0;
                    for (ConvClassifier.EpisodeTensors t : tasks) {
                        MetaGradient g =
                                metaGradient(
                                        ad,
                                        net,
                                        s.w(),
                                        t,
                                        c.innerSteps(),
                                        c.innerLr(),
                                        c.firstOrder());
                        sum = sum == null ? g.gradient() : sum.add(g.gradient());
                        loss += g.queryLoss();
                    }
                    // no graph here: plain number operands are safe
                    NDArray mean = sum.div(tasks.size());
                    Adam.step(s.w(), s.array("m"), s.array("v"), mean, iteration + 1L, c.outerLr());
                    return loss / tasks.size();
                });
    }

    /**
     * The meta-gradient of one task and its query loss.
     *
     * @param gradient {@code d L_q(w_K) / d theta}, without a graph, on {@code theta}'s manager
     * @param queryLoss {@code L_q(w_K)}
     */
    record MetaGradient(NDArray gradient, double queryLoss) {}

    /**
     * The meta-gradient of one task at the initialisation {@code theta}: {@code steps} SGD steps of
     * {@code lr} on the support set, then the query loss, differentiated with respect to {@code
     * theta} through the whole inner loop ({@code firstOrder} false), or the query gradient at the
     * adapted weights ({@code firstOrder} true). Temporaries live in a sub-manager closed here.
     */
    static MetaGradient metaGradient(
            Autodiff ad,
            FunctionalModel net,
            NDArray theta,
            ConvClassifier.EpisodeTensors t,
            int steps,
            double lr,
            boolean firstOrder) {
        NDManager home = theta.getManager();
        try (NDManager sm = home.newSubManager()) {
            theta.tempAttach(sm);
            NDArray grad;
            double loss;
            if (firstOrder) {
                NDArray adapted = ConvClassifier.sgd(ad, net, theta, t.xs(), t.ys(), steps, lr);
                try (Autodiff.Tape tape = ad.tape()) {
                    NDArray wq = ad.requireGradient(adapted);
                    NDArray l = ConvClassifier.loss(net, wq, t.xq(), t.yq());
                    loss = l.toType(DataType.FLOAT64, false).getDouble();
                    grad = ad.gradient(l, new NDList(wq), false).get(0);
                }
            } else {
                try (Autodiff.Tape tape = ad.tape()) {
                    NDArray root = ad.requireGradient(theta);
                    // engine-owned scalar: it is saved in the graph (see Scalars)
                    NDArray alpha = Scalars.like(root, lr);
                    NDArray w = root;
                    for (int k = 0; k < steps; k++) {
                        NDArray ls = ConvClassifier.loss(net, w, t.xs(), t.ys());
                        NDArray g = ad.gradient(ls, new NDList(w), true).get(0);
                        w = w.sub(g.mul(alpha));
                    }
                    NDArray l = ConvClassifier.loss(net, w, t.xq(), t.yq());
                    loss = l.toType(DataType.FLOAT64, false).getDouble();
                    grad = ad.gradient(l, new NDList(root), false).get(0);
                }
            }
            grad.attach(home);
            return new MetaGradient(grad, loss);
        }
    }

    @Override
    public RunResult gradcheck(
            RunContext ctx, MamlConfig config, Task task, int steps, double epsilon) {
        return MamlGradcheck.run(ctx, config, task, steps, epsilon);
    }
}

package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;

/**
 * Checks MAML's exact (second-order) meta-gradient against central finite differences of the
 * objective it differentiates, in float64.
 *
 * <p>The objective is {@code F(theta) = L_q(w_K(theta))}: {@code K = steps} SGD steps of {@code
 * inner-lr} on the support set of meta-training episode 0 from {@code theta}, then the query loss,
 * batch-norm on batch statistics. The oracle evaluates {@code F} with first-order gradients only
 * (no graph), so it shares no second-order code with the checked derivative: {@code (F(theta + h d)
 * - F(theta - h d)) / 2h} for {@value #DIRECTIONS} seeded Gaussian directions {@code d}, and for
 * every coordinate when the network has at most {@value #FULL_VECTOR_LIMIT} parameters (then the
 * whole gradient vector is compared, normwise). The configuration's {@code first-order} flag is
 * ignored: the first-order meta-gradient is not a derivative of {@code F}.
 */
final class MamlGradcheck {

    static final int DIRECTIONS = 12;
    static final int FULL_VECTOR_LIMIT = 5000;

    private MamlGradcheck() {}

    static RunResult run(RunContext ctx, MamlConfig c, Task task, int steps, double h) {
        EpisodicTask data =
                EpisodicTask.create(
                        task,
                        c.trainClasses(),
                        c.testClasses(),
                        c.validationFraction(),
                        c.episodeSize(),
                        ctx.seeds(),
                        "config of " + Maml.ID);
        Sequential net = ConvClassifier.of(task.train().sampleShape(), c.channels(), c.ways());
        Autodiff ad = ctx.autodiff();
        List<Map<String, Object>> table = new ArrayList<>();
        double worst = 0;
        try (NDManager m = ctx.manager().newSubManager();
                LabeledImages.Tensors pool = data.metaTrain().upload(m)) {
            ConvClassifier.EpisodeTensors t64 =
                    float64(m, ConvClassifier.EpisodeTensors.of(m, pool, data.trainEpisode(0)));
            NDArray theta =
                    net.initialParameters(m, ctx.seeds().derive("init"))
                            .toType(DataType.FLOAT64, false);
            double[] analytic =
                    Maml.metaGradient(ad, net, theta, t64, steps, c.innerLr(), false)
                            .gradient()
                            .toDoubleArray();
            double[] w = theta.toDoubleArray();
            Objective f = new Objective(ad, net, t64, steps, c.innerLr(), m);
            Random rng = ctx.seeds().random("gradcheck-direction", 0);
            for (int k = 0; k < DIRECTIONS; k++) {
                double[] d = new double[w.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = rng.nextGaussian();
                }
                double a = dot(analytic, d);
                double n = (f.at(w, d, h) - f.at(w, d, -h)) / (2 * h);
                double err = Math.abs(a - n) / Math.max(Math.max(Math.abs(a), Math.abs(n)), 1e-300);
                worst = Math.max(worst, err);
                table.add(row("direction[" + k + "]", a, n, err));
            }
            if (w.length <= FULL_VECTOR_LIMIT) {
                double[] numeric = new double[w.length];
                double[] e = new double[w.length];
                for (int i = 0; i < w.length; i++) {
                    e[i] = 1;
                    numeric[i] = (f.at(w, e, h) - f.at(w, e, -h)) / (2 * h);
                    e[i] = 0;
                }
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < w.length; i++) {
                    diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
                    norm += numeric[i] * numeric[i];
                }
                double err = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-300);
                worst = Math.max(worst, err);
                table.add(
                        row(
                                "full vector, " + w.length + " coordinates (2-norms)",
                                Math.sqrt(dot(analytic, analytic)),
                                Math.sqrt(norm),
                                err));
            }
        }
        return RunResult.builder()
                .metric("max_relative_error", worst)
                .metric("steps", steps)
                .metric("checked", table.size())
                .metric("parameters", net.parameterCount())
                .artifact("table", table)
                .build();
    }

    /** {@code F(w + s d)} for the fixed episode, evaluated without second-order derivatives. */
    private record Objective(
            Autodiff ad,
            FunctionalModel net,
            ConvClassifier.EpisodeTensors t,
            int steps,
            double lr,
            NDManager manager) {
        double at(double[] w, double[] d, double s) {
            double[] p = new double[w.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = w[i] + s * d[i];
            }
            try (NDManager sm = manager.newSubManager()) {
                NDArray theta = sm.create(p);
                NDArray adapted = ConvClassifier.sgd(ad, net, theta, t.xs(), t.ys(), steps, lr);
                return ConvClassifier.loss(net, adapted, t.xq(), t.yq()).getDouble();
            }
        }
    }

    private static ConvClassifier.EpisodeTensors float64(
            NDManager m, ConvClassifier.EpisodeTensors t) {
        return new ConvClassifier.EpisodeTensors(
                t.xs().toType(DataType.FLOAT64, false),
                t.ys(),
                t.xq().toType(DataType.FLOAT64, false),
                t.yq());
    }

    private static Map<String, Object> row(String name, double a, double n, double err) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("analytic", a);
        r.put("numeric", n);
        r.put("relative_error", err);
        return r;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

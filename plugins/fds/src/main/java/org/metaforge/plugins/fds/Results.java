package org.metaforge.plugins.fds;

import java.util.ArrayList;
import java.util.List;
import org.metaforge.sdk.metric.SearchCurve;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunResult;

/** Turns the outer loop's history into metrics, plots and artefacts. */
final class Results {

    private Results() {}

    /**
     * @param method the legend entry of the {@link SearchCurve} plot
     * @param innerEpochs the inner epochs of each outer step, the compute the curve counts
     */
    static void fill(
            RunResult.Builder out,
            OuterState s,
            String evalName,
            String method,
            List<Integer> innerEpochs) {
        int n = s.history.size();
        SearchCurve search = new SearchCurve(method);
        double[] outer = new double[n];
        double[] val = new double[n];
        double[] test = new double[n];
        double[] mom = new double[n + 1];
        double[] wd = new double[n + 1];
        double[] outerPlus = new double[n + 1];
        List<Plot.Series> lrCurves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            OuterState.Row r = s.history.get(i);
            outer[i] = i + 1;
            val[i] = r.validationAccuracy();
            search.add(innerEpochs.get(i), r.validationAccuracy());
            test[i] = r.testAccuracy();
            lrCurves.add(blocks("outer step " + (i + 1), r.schedule().values(HyperKind.LR)));
            outerPlus[i] = i + 1;
            mom[i] = r.schedule().values(HyperKind.MOMENTUM)[0];
            wd[i] = r.schedule().values(HyperKind.WEIGHT_DECAY)[0];
        }
        outerPlus[n] = n + 1;
        mom[n] = s.schedule.values(HyperKind.MOMENTUM)[0];
        wd[n] = s.schedule.values(HyperKind.WEIGHT_DECAY)[0];
        lrCurves.add(blocks("learned", s.schedule.values(HyperKind.LR)));
        out.metric("outer_steps", n);
        search.report(out);
        if (n > 0) {
            out.metric("final_validation_accuracy", val[n - 1]);
            out.metric("final_inner_" + evalName + "_accuracy", test[n - 1]);
        }
        out.plot(
                        "lr-schedules",
                        new Plot(
                                "Learning-rate schedule at each outer step",
                                "fraction of training",
                                "learning rate",
                                lrCurves))
                .plot(
                        "momentum-weight-decay",
                        new Plot(
                                "First momentum and weight-decay block over outer steps",
                                "outer step",
                                "value",
                                List.of(
                                        new Plot.Series("momentum", outerPlus, mom),
                                        new Plot.Series(
                                                "weight decay x 100", outerPlus, times(wd, 100)))))
                .plot(
                        "outer-accuracy",
                        new Plot(
                                "Accuracy of w_T after each outer step",
                                "outer step",
                                "accuracy",
                                List.of(
                                        new Plot.Series("validation", outer, val),
                                        new Plot.Series(evalName, outer, test))))
                .artifact(
                        "learned_schedule",
                        java.util.Map.of(
                                "lr", s.schedule.list(HyperKind.LR),
                                "momentum", s.schedule.list(HyperKind.MOMENTUM),
                                "weight-decay", s.schedule.list(HyperKind.WEIGHT_DECAY)))
                .artifact("outer_steps", ForwardHpo.table(s));
    }

    /** A step plot of block values over the fraction of training. */
    private static Plot.Series blocks(String name, double[] v) {
        double[] x = new double[2 * v.length];
        double[] y = new double[2 * v.length];
        for (int j = 0; j < v.length; j++) {
            x[2 * j] = j / (double) v.length;
            x[2 * j + 1] = (j + 1) / (double) v.length;
            y[2 * j] = v[j];
            y[2 * j + 1] = v[j];
        }
        return new Plot.Series(name, x, y);
    }

    private static double[] times(double[] a, double f) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i] * f;
        }
        return o;
    }

    static Object finiteOrNull(double d) {
        return Double.isFinite(d) ? d : null;
    }

    static List<Object> finiteOrNull(double[] a) {
        List<Object> out = new ArrayList<>();
        for (double d : a) {
            out.add(finiteOrNull(d));
        }
        return out;
    }
}

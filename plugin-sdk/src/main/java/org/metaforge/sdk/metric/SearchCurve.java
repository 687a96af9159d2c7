package org.metaforge.sdk.metric;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunResult;

/**
 * The best validation accuracy a search has found against the training epochs it has spent: the
 * common yardstick of the HPO methods (random search, successive halving, forward-mode and greedy
 * hypergradient HPO), reported as the plot {@value #PLOT} and the metric {@code epochs_spent}.
 */
public final class SearchCurve {

    /** The plot's name in a result; {@code metaforge compare --plot} overlays it across specs. */
    public static final String PLOT = "best-vs-epochs";

    private final String method;
    private final List<double[]> points = new ArrayList<>();
    private double spent;
    private double best = Double.NEGATIVE_INFINITY;

    /**
     * @param method the legend entry, e.g. "random search"
     */
    public SearchCurve(String method) {
        this.method = method;
    }

    /**
     * Records a trial that trained {@code epochs} epochs and scored {@code accuracy} (NaN: failed).
     */
    public void add(double epochs, double accuracy) {
        spent += epochs;
        if (accuracy > best) {
            best = accuracy;
        }
        points.add(new double[] {spent, best > Double.NEGATIVE_INFINITY ? best : Double.NaN});
    }

    /** Epochs spent so far. */
    public double spent() {
        return spent;
    }

    /** Adds the metric {@code epochs_spent} and the plot to {@code out}. */
    public void report(RunResult.Builder out) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        out.metric("epochs_spent", spent)
                .plot(
                        PLOT,
                        new Plot(
                                "Best validation accuracy vs training epochs spent",
                                "epochs spent (passes over the search's training part)",
                                "best validation accuracy",
                                List.of(new Plot.Series(method, x, y))));
    }

    /**
     * The epochs a trial trained: its {@code epochs} metric when it reports one, else the
     * configured {@code epochs} (a failed trial counts as if it had finished), else 0.
     */
    public static double epochsOf(RunResult result, Map<String, Object> config) {
        if (result != null && result.metrics().containsKey("epochs")) {
            return result.metric("epochs");
        }
        return config.get("epochs") instanceof Number n ? n.doubleValue() : 0;
    }
}

package org.metaforge.plugins.baselines;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.metaforge.sdk.run.Plot;

/**
 * The meta-validation accuracy and training-loss curves of the members of an ensemble (one member
 * for a single network), as plot series, and the last training loss averaged over the members.
 *
 * @param accuracy one series per member, named {@code meta-validation} or {@code meta-validation k}
 * @param loss one series per member, named {@code meta-train} or {@code meta-train k}, without the
 *     first row (it has no training loss)
 * @param lastLoss the mean over the members of their last training loss; NaN if a member has not
 *     trained
 */
record MemberCurves(List<Plot.Series> accuracy, List<Plot.Series> loss, double lastLoss) {

    /**
     * The curves of {@code members}, each a list of rows {@code (step, meta-validation accuracy,
     * mean training loss since the previous row)}, the first row at step 0.
     */
    static MemberCurves of(List<List<double[]>> members) {
        List<Plot.Series> accSeries = new ArrayList<>();
        List<Plot.Series> lossSeries = new ArrayList<>();
        double lastLoss = 0;
        for (int k = 0; k < members.size(); k++) {
            List<double[]> curve = members.get(k);
            int n = curve.size();
            double[] x = new double[n];
            double[] acc = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = curve.get(i)[0];
                acc[i] = curve.get(i)[1];
            }
            double[] lossX = Arrays.copyOfRange(x, 1, n);
            double[] loss = new double[n - 1];
            for (int i = 1; i < n; i++) {
                loss[i - 1] = curve.get(i)[2];
            }
            String member = members.size() == 1 ? "" : " " + (k + 1);
            accSeries.add(new Plot.Series("meta-validation" + member, x, acc));
            lossSeries.add(new Plot.Series("meta-train" + member, lossX, loss));
            lastLoss += n > 1 ? loss[n - 2] / members.size() : Double.NaN;
        }
        return new MemberCurves(List.copyOf(accSeries), List.copyOf(lossSeries), lastLoss);
    }
}

package org.metaforge.sdk.metric;

/**
 * Landmark accuracy and flicker metrics, computed as the LDEQ authors' evaluation code does ({@code
 * polo5/LDEQ_RwR}, {@code utils/loss_function.py}).
 *
 * <p>Landmarks are interleaved {@code [x0, y0, x1, y1, ...]}; a video is frames x that. The
 * inter-ocular distance is the distance between the outer eye corners, WFLW landmarks 60 and 72 of
 * the ground truth.
 */
public final class LandmarkMetrics {

    /** First WFLW inter-ocular normalisation landmark (outer corner of the left eye). */
    public static final int WFLW_NORM_A = 60;

    /** Second WFLW inter-ocular normalisation landmark (outer corner of the right eye). */
    public static final int WFLW_NORM_B = 72;

    /** The face-size unit of NMF: a 256 x 256 face has scale 1. */
    private static final double NMF_UNIT_AREA = 256.0 * 256.0;

    /** Grid step of the cumulative error curve under the AUC, as in the reference code. */
    private static final double AUC_STEP = 1e-4;

    private LandmarkMetrics() {}

    /**
     * NME of one image, as a fraction (not percent): the mean over landmarks of the Euclidean
     * distance between prediction and ground truth, divided by the ground truth's WFLW inter-ocular
     * distance (landmarks 60 and 72).
     */
    public static double nme(double[] pred, double[] gt) {
        return nme(pred, gt, WFLW_NORM_A, WFLW_NORM_B);
    }

    /**
     * NME of one image, as a fraction, normalised by the ground-truth distance between landmarks
     * {@code normA} and {@code normB}.
     *
     * @throws IllegalArgumentException if the shapes differ or the normalising distance is zero
     */
    public static double nme(double[] pred, double[] gt, int normA, int normB) {
        checkShape(pred, gt, "prediction", "ground truth");
        int n = gt.length / 2;
        if (normA >= n || normB >= n) {
            throw new IllegalArgumentException(
                    "normalising landmarks "
                            + normA
                            + " and "
                            + normB
                            + " do not exist in "
                            + n
                            + " landmarks");
        }
        double norm = dist(gt, normA, gt, normB);
        if (!(norm > 0)) {
            throw new IllegalArgumentException(
                    "ground-truth landmarks "
                            + normA
                            + " and "
                            + normB
                            + " coincide: the inter-ocular distance is zero, NME is undefined");
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += dist(pred, i, gt, i);
        }
        return sum / (n * norm);
    }

    /** NME of each image, as fractions. */
    public static double[] nmes(double[][] pred, double[][] gt) {
        if (pred.length != gt.length) {
            throw new IllegalArgumentException(
                    pred.length + " predictions for " + gt.length + " ground truths");
        }
        double[] out = new double[gt.length];
        for (int i = 0; i < gt.length; i++) {
            out[i] = nme(pred[i], gt[i]);
        }
        return out;
    }

    /**
     * Mean NME, failure rate and AUC of per-image NMEs (fractions) at {@code threshold} (WFLW:
     * 0.1).
     *
     * <p>Failure rate = share of images whose NME exceeds the threshold. AUC = the area under the
     * cumulative error distribution {@code CED(e) = share of NMEs <= e} for e in [0, threshold],
     * divided by the threshold; as in the reference, CED is sampled at {@code e = k * 1e-4} and
     * integrated with composite Simpson's rule.
     */
    public static Summary summarize(double[] nmes, double threshold) {
        if (nmes.length == 0 || !(threshold > 0)) {
            throw new IllegalArgumentException(
                    "need at least one NME and a positive threshold, got "
                            + nmes.length
                            + " NMEs and threshold "
                            + threshold);
        }
        int steps = (int) Math.round(threshold / AUC_STEP);
        double[] ys = new double[steps + 1];
        for (int k = 0; k <= steps; k++) {
            double e = k * AUC_STEP;
            int below = 0;
            for (double v : nmes) {
                below += v <= e ? 1 : 0;
            }
            ys[k] = below / (double) nmes.length;
        }
        double mean = 0;
        for (double v : nmes) {
            mean += v;
        }
        return new Summary(
                mean / nmes.length, 1 - ys[steps], simpson(ys, AUC_STEP) / (steps * AUC_STEP));
    }

    /**
     * NME of a video in percent: per frame, the mean over landmarks of the error divided by that
     * frame's ground-truth inter-ocular distance (60-72); then the mean over frames, times 100.
     */
    public static double videoNme(double[][] pred, double[][] gt) {
        double[] per = nmes(pred, gt);
        double sum = 0;
        for (double v : per) {
            sum += v;
        }
        return 100 * sum / per.length;
    }

    /**
     * NMF (normalised mean flicker; the reference code calls it NMJ) of a video, in percent.
     *
     * <p>With error {@code d_t,i = gt_t,i - pred_t,i}, landmark i's jump between frames t-1 and t
     * is {@code 100 * |d_t,i - d_t-1,i| / s_t}, where the face scale {@code s_t = sqrt(w_t h_t /
     * 256²)} comes from the width and height of the bounding box of frame t's ground-truth
     * landmarks (the later frame). Jumps are aggregated as the root mean square over landmarks,
     * then the root mean square over the frame pairs. Motion the prediction shares with the ground
     * truth (e.g. a constant offset) does not count as flicker.
     *
     * @throws IllegalArgumentException for fewer than two frames, mismatched shapes or a frame
     *     whose ground truth has zero width or height
     */
    public static double nmf(double[][] pred, double[][] gt) {
        if (pred.length != gt.length || gt.length < 2) {
            throw new IllegalArgumentException(
                    "NMF needs predictions and ground truth for the same two or more frames, got "
                            + pred.length
                            + " and "
                            + gt.length);
        }
        double sumFrames = 0;
        for (int t = 1; t < gt.length; t++) {
            checkShape(pred[t], gt[t], "prediction of frame " + t, "ground truth of frame " + t);
            checkShape(pred[t - 1], gt[t], "prediction of frame " + (t - 1), "ground truth");
            double scale = faceScale(gt[t], t);
            int n = gt[t].length / 2;
            double sumLandmarks = 0;
            for (int i = 0; i < n; i++) {
                double jx =
                        (gt[t][2 * i] - pred[t][2 * i]) - (gt[t - 1][2 * i] - pred[t - 1][2 * i]);
                double jy =
                        (gt[t][2 * i + 1] - pred[t][2 * i + 1])
                                - (gt[t - 1][2 * i + 1] - pred[t - 1][2 * i + 1]);
                double jump = 100 * Math.sqrt(jx * jx + jy * jy) / scale;
                sumLandmarks += jump * jump;
            }
            double rmsLandmarks = Math.sqrt(sumLandmarks / n);
            sumFrames += rmsLandmarks * rmsLandmarks;
        }
        return Math.sqrt(sumFrames / (gt.length - 1));
    }

    /** Mean NME, failure rate and AUC at one threshold. */
    public record Summary(double meanNme, double failureRate, double auc) {}

    private static double faceScale(double[] gt, int frame) {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < gt.length; i += 2) {
            minX = Math.min(minX, gt[i]);
            maxX = Math.max(maxX, gt[i]);
            minY = Math.min(minY, gt[i + 1]);
            maxY = Math.max(maxY, gt[i + 1]);
        }
        double scale = Math.sqrt((maxX - minX) * (maxY - minY) / NMF_UNIT_AREA);
        if (!(scale > 0)) {
            throw new IllegalArgumentException(
                    "the ground truth of frame "
                            + frame
                            + " has a zero-width or zero-height bounding box; NMF is undefined");
        }
        return scale;
    }

    /** Composite Simpson's rule on equally spaced samples (an even number of intervals). */
    private static double simpson(double[] y, double h) {
        int intervals = y.length - 1;
        if (intervals % 2 != 0) {
            throw new IllegalArgumentException(
                    "Simpson's rule needs an even number of intervals; pick a threshold that is an"
                            + " even multiple of 1e-4");
        }
        double sum = y[0] + y[intervals];
        for (int k = 1; k < intervals; k++) {
            sum += (k % 2 == 1 ? 4 : 2) * y[k];
        }
        return sum * h / 3;
    }

    private static double dist(double[] a, int i, double[] b, int j) {
        double dx = a[2 * i] - b[2 * j];
        double dy = a[2 * i + 1] - b[2 * j + 1];
        return Math.sqrt(dx * dx + dy * dy);
    }

    private static void checkShape(double[] pred, double[] gt, String what, String other) {
        if (pred.length != gt.length || gt.length == 0 || gt.length % 2 != 0) {
            throw new IllegalArgumentException(
                    what
                            + " has "
                            + pred.length
                            + " coordinates but "
                            + other
                            + " has "
                            + gt.length
                            + "; both need the same even, non-zero number (x, y per landmark)");
        }
    }
}

package org.metaforge.sdk.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Oracles: values computed by hand (shown in each test) and, for AUC, by SciPy's Simpson rule. */
class LandmarkMetricsTest {

    private static double[] wflwGroundTruth() {
        double[] gt = new double[196];
        for (int i = 0; i < 98; i++) {
            gt[2 * i] = i;
            gt[2 * i + 1] = 2 * i;
        }
        // outer eye corners 50 px apart
        gt[120] = 10;
        gt[121] = 20;
        gt[144] = 60;
        gt[145] = 20;
        return gt;
    }

    @Test
    void nmeOfThreeLandmarksByHand() {
        double[] gt = {0, 0, 5, 5, 10, 0};
        double[] pred = {3, 4, 5, 5, 10, 2};
        // errors 5, 0, 2; eye distance |(0,0)-(10,0)| = 10: (5 + 0 + 2) / (3 * 10)
        assertEquals(7.0 / 30, LandmarkMetrics.nme(pred, gt, 0, 2), 1e-15);
    }

    @Test
    void nmeUsesTheOuterEyeCorners60And72() {
        double[] gt = wflwGroundTruth();
        double[] pred = gt.clone();
        pred[0] += 3;
        pred[1] += 4; // landmark 0 off by 5
        pred[20] += 6;
        pred[21] -= 8; // landmark 10 off by 10
        assertEquals(15.0 / (98 * 50), LandmarkMetrics.nme(pred, gt), 1e-15);
        assertEquals(
                100 * 15.0 / (98 * 50),
                LandmarkMetrics.videoNme(new double[][] {pred, gt}, new double[][] {gt, gt}) * 2,
                1e-12);
    }

    @Test
    void failureRateAndAucAtTenPercent() {
        LandmarkMetrics.Summary s =
                LandmarkMetrics.summarize(new double[] {0.02005, 0.05005, 0.2}, 0.1);
        assertEquals((0.02005 + 0.05005 + 0.2) / 3, s.meanNme(), 1e-15);
        assertEquals(1.0 / 3, s.failureRate(), 1e-15);
        // SciPy: simpson(CED on arange(0, 0.1001, 1e-4)) / 0.1 = 0.43311111111111095
        assertEquals(0.43311111111111095, s.auc(), 1e-12);
        // the exact area: (1/3)(0.1 - 0.02005) + (1/3)(0.1 - 0.05005), over 0.1
        assertEquals((0.07995 + 0.04995) / 3 / 0.1, s.auc(), 2e-3);
    }

    @Test
    void constantOffsetDoesNotFlickerEvenWhenTheFaceMoves() {
        double[][] gt = new double[5][];
        double[][] pred = new double[5][];
        for (int t = 0; t < 5; t++) {
            gt[t] = new double[] {10 + 3 * t, 10 + t, 60 + 3 * t, 30 + t, 20 + 3 * t, 90 + t};
            pred[t] = gt[t].clone();
            for (int i = 0; i < 6; i += 2) {
                pred[t][i] += 4;
                pred[t][i + 1] -= 2;
            }
        }
        assertEquals(0, LandmarkMetrics.nmf(pred, gt), 1e-12);
        // a prediction frozen at frame 0 does flicker relative to the moving truth
        double[][] frozen = {pred[0], pred[0], pred[0], pred[0], pred[0]};
        assertTrue(LandmarkMetrics.nmf(frozen, gt) > 1);
    }

    @Test
    void oneJumpingLandmarkByHand() {
        // static truth: box 128 x 128, scale sqrt(128 * 128 / 256²) = 0.5
        double[] gt = {0, 0, 128, 0, 64, 128};
        double[] jumped = gt.clone();
        jumped[0] += 3;
        jumped[1] += 4; // landmark 0 moves by 5 in frame 1 only
        double[][] g = {gt, gt, gt};
        double[][] p = {gt, jumped, gt};
        // both frame pairs: jumps [100 * 5 / 0.5, 0, 0] = [1000, 0, 0]; RMS over landmarks
        // 1000 / sqrt(3); RMS over the two pairs leaves it unchanged
        assertEquals(1000 / Math.sqrt(3), LandmarkMetrics.nmf(p, g), 1e-9);
    }

    @Test
    void flickerIsScaledByTheLaterFramesFace() {
        double[] big = {0, 0, 256, 0, 128, 256}; // scale 1
        double[] small = {0, 0, 128, 0, 64, 128}; // scale 0.5
        double[] smallJitter = {1, 0, 129, 0, 65, 128}; // every landmark off by (1, 0)
        // one pair; error change 1 px per landmark, divided by the later (small) face's 0.5
        assertEquals(
                200,
                LandmarkMetrics.nmf(new double[][] {big, smallJitter}, new double[][] {big, small}),
                1e-9);
        // the other way round: later face is big, scale 1
        assertEquals(
                100,
                LandmarkMetrics.nmf(new double[][] {smallJitter, big}, new double[][] {small, big}),
                1e-9);
    }

    @Test
    void alternatingJitterByHand() {
        double[] gt = {0, 0, 256, 0, 128, 256}; // scale 1
        double[] plus = {0.5, 0, 256.5, 0, 128.5, 256};
        double[] minus = {-0.5, 0, 255.5, 0, 127.5, 256};
        // every pair: every landmark's error changes by 1 px, so 100 each; RMS 100
        assertEquals(
                100,
                LandmarkMetrics.nmf(
                        new double[][] {plus, minus, plus, minus}, new double[][] {gt, gt, gt, gt}),
                1e-9);
    }

    @Test
    void rejectsBadShapes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> LandmarkMetrics.nme(new double[4], new double[6], 0, 1));
        assertTrue(e.getMessage().contains("4 coordinates"), e.getMessage());
        IllegalArgumentException zero =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> LandmarkMetrics.nme(new double[196], new double[196]));
        assertTrue(zero.getMessage().contains("inter-ocular distance is zero"), zero.getMessage());
        IllegalArgumentException one =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> LandmarkMetrics.nmf(new double[1][6], new double[1][6]));
        assertTrue(one.getMessage().contains("two or more frames"), one.getMessage());
    }
}

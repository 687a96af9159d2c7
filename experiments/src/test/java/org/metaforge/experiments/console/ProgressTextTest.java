package org.metaforge.experiments.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTextTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void durationsShowTheirTwoLargestUnits() {
        assertEquals("0s", ProgressText.duration(0.2));
        assertEquals("45s", ProgressText.duration(45));
        assertEquals("2m16s", ProgressText.duration(136.4));
        assertEquals("1h02m", ProgressText.duration(3720));
        assertEquals("3d04h", ProgressText.duration(3 * 86400 + 4 * 3600 + 59));
        assertEquals("?", ProgressText.duration(Double.POSITIVE_INFINITY));
    }

    @Test
    void ratesBelowOnePerSecondReadAsTimePerUnit() {
        assertEquals("1234 step/s", ProgressText.rate(1234.4, "step"));
        assertEquals("35.2 step/s", ProgressText.rate(35.21, "step"));
        assertEquals("1.0 step/s", ProgressText.rate(1.0, "step"));
        assertEquals("20.0 s/step", ProgressText.rate(0.05, "step"));
        assertEquals("2m05s/epoch", ProgressText.rate(1 / 125.0, "epoch"));
    }

    @Test
    void runningLineHasCountPercentRateEtaAndStatus() {
        long elapsed = Math.round(1200 / 35.2 * SECOND);

        assertEquals(
                "train: 1200/6000 step (20%), 35.2 step/s, ETA 2m16s, loss 0.412",
                ProgressText.line(
                        "train",
                        1200,
                        6000,
                        "step",
                        elapsed,
                        "loss 0.412",
                        ProgressText.Phase.RUNNING));
    }

    @Test
    void startLineHasNoRateYet() {
        assertEquals(
                "train: 0/6000 step (0%)",
                ProgressText.line("train", 0, 6000, "step", 0, "", ProgressText.Phase.RUNNING));
    }

    @Test
    void completeLineSaysHowLongItTook() {
        assertEquals(
                "train: 6000/6000 step (100%), 50.0 step/s, took 2m00s",
                ProgressText.line(
                        "train",
                        6000,
                        6000,
                        "step",
                        120 * SECOND,
                        null,
                        ProgressText.Phase.RUNNING));
    }

    @Test
    void stoppedLineSaysWhenItStopped() {
        assertEquals(
                "train: 300/6000 step (5%), 10.0 step/s, stopped after 30s",
                ProgressText.line(
                        "train", 300, 6000, "step", 30 * SECOND, "", ProgressText.Phase.STOPPED));
    }

    @Test
    void unknownTotalHasNoPercentOrEta() {
        assertEquals(
                "scan: 500 file, 50.0 file/s",
                ProgressText.line(
                        "scan", 500, 0, "file", 10 * SECOND, " ", ProgressText.Phase.RUNNING));
    }
}

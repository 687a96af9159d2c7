package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EpisodeAccuracyTest {

    @Test
    void reportsTheMeanAndTheNormalIntervalOfTheSampleStandardDeviation() {
        // By hand: mean 0.75; squared deviations 1/16, 1/16, 0, 0 sum to 1/8; sample variance
        // (1/8) / 3 = 1/24, s = 0.2041241; 1.96 * s / sqrt(4) = 0.2000416.
        EpisodeAccuracy a = EpisodeAccuracy.of(new double[] {1.0, 0.5, 0.75, 0.75});
        assertEquals(0.75, a.mean(), 1e-15);
        assertEquals(0.2000416, a.ci95(), 1e-7);
        assertEquals(4, a.episodes());
    }

    @Test
    void oneEpisodeHasNoIntervalAndNoneIsAnError() {
        EpisodeAccuracy one = EpisodeAccuracy.of(new double[] {0.6});
        assertEquals(0.6, one.mean());
        assertTrue(Double.isNaN(one.ci95()));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> EpisodeAccuracy.of(new double[0]));
        assertTrue(e.getMessage().contains("at least one episode"), e.getMessage());
    }
}

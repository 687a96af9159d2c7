package org.metaforge.plugins.ldeq.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VideoGeneratorTest {

    private static final VideoGenerator VIDEOS =
            new VideoGenerator(FaceGeneratorConfig.defaults(), new VideoConfig(40, 10));

    @Test
    void sameSeedGivesTheSameVideo() {
        FaceVideo a = VIDEOS.generate(3, true);
        FaceVideo b = VIDEOS.generate(3, true);
        assertEquals(40, a.frames().size());
        for (int t = 0; t < 40; t++) {
            assertArrayEquals(a.frames().get(t).pixels(), b.frames().get(t).pixels());
        }
        assertArrayEquals(a.landmarks()[39], b.landmarks()[39]);
    }

    @Test
    void landmarksMoveSmoothlyButDoMove() {
        double maxStep = 0;
        double travel = 0;
        for (FaceVideo v : VIDEOS.generate(8, 6, false)) {
            double[][] lm = v.landmarks();
            for (int t = 1; t < lm.length; t++) {
                for (int i = 0; i < lm[t].length; i += 2) {
                    double step =
                            Math.hypot(lm[t][i] - lm[t - 1][i], lm[t][i + 1] - lm[t - 1][i + 1]);
                    maxStep = Math.max(maxStep, step);
                    travel += step;
                }
            }
        }
        // independent random faces differ by several pixels per landmark; smooth motion by < 2
        assertTrue(maxStep < 2.0, "a landmark jumped " + maxStep + " px between frames");
        assertTrue(travel / (6 * 39 * 98) > 0.05, "landmarks barely move: " + travel);
    }

    @Test
    void hardVideosAreMoreAmbiguous() {
        double[] easy = ambiguity(VIDEOS.generate(21, 6, false));
        double[] hard = ambiguity(VIDEOS.generate(21, 6, true));
        assertTrue(hard[0] > 2 * easy[0], "occluded share: hard " + hard[0] + ", easy " + easy[0]);
        assertTrue(hard[1] > 2 * easy[1], "pixel damage: hard " + hard[1] + ", easy " + easy[1]);
    }

    /** Mean occluded landmark share and mean absolute pixel change from the clean frame. */
    private static double[] ambiguity(List<FaceVideo> videos) {
        double occluded = 0;
        double damage = 0;
        int frames = 0;
        for (FaceVideo v : videos) {
            for (FaceImage f : v.frames()) {
                occluded += f.occludedFraction();
                FaceImage clean =
                        FaceRenderer.render(
                                f.shape(),
                                f.pose(),
                                new Degradation(
                                        f.degradation().gain(),
                                        f.degradation().offset(),
                                        f.degradation().gradientX(),
                                        f.degradation().gradientY(),
                                        List.of(),
                                        BlurKind.GAUSSIAN,
                                        0,
                                        0,
                                        0),
                                f.width(),
                                f.height(),
                                f.channels());
                double d = 0;
                for (int i = 0; i < f.pixels().length; i++) {
                    d += Math.abs(f.pixels()[i] - clean.pixels()[i]);
                }
                damage += d / f.pixels().length;
                frames++;
            }
        }
        return new double[] {occluded / frames, damage / frames};
    }
}

package org.metaforge.plugins.ldeq.face;

import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;

/** Configuration of synthetic face videos: length and smoothness of the motion. */
public record VideoConfig(
        @Param(value = "frames per video", defaultValue = "48", min = 2, max = 100000) int frames,
        @Param(
                        value = "frames between the pose keyframes a smooth spline passes near",
                        defaultValue = "12",
                        min = 2,
                        max = 1000)
                int keyInterval) {

    /** Checks the ranges. */
    public VideoConfig {
        ConfigProblems p = new ConfigProblems("config of the synthetic face videos");
        if (frames < 2) {
            p.add("frames", "a video needs at least 2 frames, got " + frames);
        }
        if (keyInterval < 2) {
            p.add("key-interval", "needs at least 2 frames between keyframes, got " + keyInterval);
        }
        p.throwIfAny();
    }

    /** The defaults: 48 frames, keyframes every 12. */
    public static VideoConfig defaults() {
        return new VideoConfig(48, 12);
    }
}

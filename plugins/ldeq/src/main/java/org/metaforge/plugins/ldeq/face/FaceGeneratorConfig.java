package org.metaforge.plugins.ldeq.face;

import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.config.Param;

/** Configuration of the synthetic face generator: image size and the spread of every factor. */
public record FaceGeneratorConfig(
        @Param(value = "image width in pixels", defaultValue = "64", min = 16, max = 4096)
                int width,
        @Param(value = "image height in pixels", defaultValue = "64", min = 16, max = 4096)
                int height,
        @Param(value = "1 for grey images, 3 for RGB", defaultValue = "1", min = 1, max = 3)
                int channels,
        @Param(
                        value =
                                "smallest face scale: half the face width, as a share of the image size",
                        defaultValue = "0.22",
                        min = 0.05,
                        max = 0.3)
                double minScale,
        @Param(value = "largest face scale", defaultValue = "0.28", min = 0.05, max = 0.3)
                double maxScale,
        @Param(
                        value = "largest shift of the face's centre, as a share of the image size",
                        defaultValue = "0.06",
                        min = 0,
                        max = 0.1)
                double maxShift,
        @Param(
                        value = "largest in-plane rotation in degrees",
                        defaultValue = "20",
                        min = 0,
                        max = 45)
                double maxRollDegrees,
        @Param(value = "largest yaw-like turn in radians", defaultValue = "0.5", min = 0, max = 0.8)
                double maxYaw,
        @Param(
                        value = "how strongly expressions vary (mouth, brows, eyes), 0 to 1",
                        defaultValue = "1",
                        min = 0,
                        max = 1)
                double expression,
        @Param(
                        value = "how strongly lighting varies (gain, offset, gradient), 0 to 1",
                        defaultValue = "1",
                        min = 0,
                        max = 1)
                double lighting,
        @Param(
                        value = "probability that an occluder covers part of the face",
                        defaultValue = "0.3",
                        min = 0,
                        max = 1)
                double occlusionProbability,
        @Param(
                        value = "probability that the image is blurred",
                        defaultValue = "0.3",
                        min = 0,
                        max = 1)
                double blurProbability,
        @Param(value = "the blur kernel", defaultValue = "gaussian") BlurKind blurKind,
        @Param(
                        value = "largest blur standard deviation, as a share of the image size",
                        defaultValue = "0.03",
                        min = 0,
                        max = 0.1)
                double maxBlur,
        @Param(
                        value = "largest standard deviation of the pixel noise",
                        defaultValue = "0.03",
                        min = 0,
                        max = 0.5)
                double maxNoise) {

    /** Checks what single fields cannot. */
    public FaceGeneratorConfig {
        ConfigProblems p = new ConfigProblems("config of the synthetic face generator");
        if (width < 16 || height < 16) {
            p.add("width", "images need at least 16 x 16 pixels, got " + width + " x " + height);
        }
        if (channels != 1 && channels != 3) {
            p.add("channels", channels + " is neither 1 (grey) nor 3 (RGB)");
        }
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 0.3)) {
            p.add(
                    "min-scale",
                    "needs 0 < min-scale <= max-scale <= 0.3 so faces stay in the image, got "
                            + minScale
                            + " and "
                            + maxScale);
        }
        p.throwIfAny();
    }

    /** The defaults: 64 x 64 grey faces with all factors on. */
    public static FaceGeneratorConfig defaults() {
        return new FaceGeneratorConfig(
                64,
                64,
                1,
                0.22,
                0.28,
                0.06,
                20,
                0.5,
                1,
                1,
                0.3,
                0.3,
                BlurKind.GAUSSIAN,
                0.03,
                0.03);
    }

    /** The same configuration without occlusion, blur and noise (clean faces). */
    public FaceGeneratorConfig clean() {
        return new FaceGeneratorConfig(
                width,
                height,
                channels,
                minScale,
                maxScale,
                maxShift,
                maxRollDegrees,
                maxYaw,
                expression,
                lighting,
                0,
                0,
                blurKind,
                0,
                0);
    }
}

package org.metaforge.plugins.ldeq.wflw;

/**
 * A float image, values in [0, 1], channel-major: {@code pixels[(c * height + y) * width + x]}.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param channels 1 (grey) or 3 (RGB)
 * @param pixels the values
 */
public record Image(int width, int height, int channels, float[] pixels) {

    /** Checks that the pixel count matches the sizes. */
    public Image {
        if (width < 1 || height < 1 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException(
                    "an image needs positive sizes and 1 or 3 channels, got "
                            + width
                            + "x"
                            + height
                            + "x"
                            + channels);
        }
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException(
                    "a "
                            + width
                            + "x"
                            + height
                            + "x"
                            + channels
                            + " image cannot hold "
                            + pixels.length
                            + " values");
        }
    }

    /** The value of channel {@code c} at pixel {@code (x, y)}. */
    public float pixel(int c, int x, int y) {
        return pixels[(c * height + y) * width + x];
    }
}

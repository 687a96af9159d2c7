package org.metaforge.plugins.ldeq.face;

/**
 * A rendered synthetic face with its ground truth.
 *
 * @param width image width in pixels
 * @param height image height in pixels
 * @param channels 1 (grey) or 3 (RGB)
 * @param pixels values in [0, 1], channel-major: {@code pixels[(c * height + y) * width + x]}
 * @param landmarks the 98 WFLW landmarks, interleaved x, y, in continuous pixel coordinates
 * @param occluded for each landmark, whether an occluder hides it
 * @param shape the face's identity
 * @param pose the face's pose and expression
 * @param degradation what was done to the clean rendering
 */
public record FaceImage(
        int width,
        int height,
        int channels,
        float[] pixels,
        double[] landmarks,
        boolean[] occluded,
        FaceShape shape,
        FacePose pose,
        Degradation degradation) {

    /** Checks that the arrays match the sizes. */
    public FaceImage {
        if (pixels.length != width * height * channels
                || landmarks.length != 2 * WflwLayout.COUNT
                || occluded.length != WflwLayout.COUNT) {
            throw new IllegalArgumentException(
                    "a face image of "
                            + width
                            + "x"
                            + height
                            + "x"
                            + channels
                            + " needs that many pixels, 196 landmark coordinates and 98"
                            + " occlusion flags");
        }
    }

    /** The value of channel {@code c} at pixel {@code (x, y)}. */
    public float pixel(int c, int x, int y) {
        return pixels[(c * height + y) * width + x];
    }

    /** The share of landmarks an occluder hides, in [0, 1]. */
    public double occludedFraction() {
        int n = 0;
        for (boolean o : occluded) {
            n += o ? 1 : 0;
        }
        return n / (double) occluded.length;
    }
}

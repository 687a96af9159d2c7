package org.metaforge.plugins.ldeq.face;

import java.util.List;

/**
 * What happens to a rendered face: lighting, occluders, blur and pixel noise, in that order.
 *
 * <p>Lighting maps a value {@code v} at normalised image position {@code (u, w)} in [0, 1]² to
 * {@code gain * v + offset + gradientX * (u - 0.5) + gradientY * (w - 0.5)}.
 *
 * @param gain contrast factor of the lighting
 * @param offset brightness offset of the lighting
 * @param gradientX brightness change from the left to the right edge
 * @param gradientY brightness change from the top to the bottom edge
 * @param occluders objects in front of the face (lit like the face)
 * @param blurKind the blur kernel
 * @param blurSigma the blur's standard deviation in pixels; 0 means no blur
 * @param noiseSigma standard deviation of additive Gaussian pixel noise; 0 means none
 * @param noiseSeed seed of the noise
 */
public record Degradation(
        double gain,
        double offset,
        double gradientX,
        double gradientY,
        List<Occluder> occluders,
        BlurKind blurKind,
        double blurSigma,
        double noiseSigma,
        long noiseSeed) {

    /** Checks the ranges and copies the occluders. */
    public Degradation {
        if (!(blurSigma >= 0 && noiseSigma >= 0 && gain > 0)) {
            throw new IllegalArgumentException(
                    "degradation needs gain > 0, blurSigma >= 0 and noiseSigma >= 0, got gain="
                            + gain
                            + ", blurSigma="
                            + blurSigma
                            + ", noiseSigma="
                            + noiseSigma);
        }
        occluders = List.copyOf(occluders);
    }

    /** No change at all: neutral light, nothing in front, sharp and noiseless. */
    public static Degradation none() {
        return new Degradation(1, 0, 0, 0, List.of(), BlurKind.GAUSSIAN, 0, 0, 0);
    }

    /** The same degradation without its occluders. */
    public Degradation withoutOccluders() {
        return new Degradation(
                gain,
                offset,
                gradientX,
                gradientY,
                List.of(),
                blurKind,
                blurSigma,
                noiseSigma,
                noiseSeed);
    }
}

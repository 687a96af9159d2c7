package org.metaforge.plugins.ldeq.face;

/**
 * The identity of a synthetic face: proportions in face units (half the face width is one unit) and
 * colours as linear RGB in [0, 1].
 *
 * @param faceWidth half-width of the face at the temples, in units (about 1)
 * @param jawLength distance from the temples down to the chin
 * @param jawRoundness exponent of the jaw curve: 1 is elliptic, lower is squarer
 * @param eyeSpacing horizontal distance from the face's mid-line to each eye's centre
 * @param eyeWidth half-width of an eye, corner to centre
 * @param eyeHeight half-height of an open eye
 * @param browGap distance from the eye line up to the lower edge of the brow's middle
 * @param browThickness thickness of a brow
 * @param noseLength distance from the eye line down to the nose tip
 * @param mouthWidth half-width of the mouth
 * @param mouthDrop distance from the nose tip down to the mouth's centre
 * @param lipThickness thickness of each lip
 * @param skin colour of the skin
 * @param hair colour of the brows
 * @param iris colour of the irises
 * @param lip colour of the lips
 * @param background colour behind the face
 */
public record FaceShape(
        double faceWidth,
        double jawLength,
        double jawRoundness,
        double eyeSpacing,
        double eyeWidth,
        double eyeHeight,
        double browGap,
        double browThickness,
        double noseLength,
        double mouthWidth,
        double mouthDrop,
        double lipThickness,
        double[] skin,
        double[] hair,
        double[] iris,
        double[] lip,
        double[] background) {

    /** Checks that every colour has three channels. */
    public FaceShape {
        for (double[] c : new double[][] {skin, hair, iris, lip, background}) {
            if (c.length != 3) {
                throw new IllegalArgumentException(
                        "a face colour needs 3 channels (r, g, b), got " + c.length);
            }
        }
    }
}

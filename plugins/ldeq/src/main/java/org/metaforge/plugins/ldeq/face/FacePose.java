package org.metaforge.plugins.ldeq.face;

/**
 * Where a face is in the image and what it expresses.
 *
 * @param centerX image x of the face's pivot (between the brows and the chin), in pixels
 * @param centerY image y of the pivot, in pixels
 * @param scale pixels per face unit (half the face width is one unit)
 * @param roll in-plane rotation in radians, clockwise on screen
 * @param yaw out-of-plane turn in radians: squeezes the face horizontally and shifts its features
 *     towards one side
 * @param mouthOpen 0 closed to 1 wide open (also drops the chin)
 * @param browRaise 0 resting to 1 raised
 * @param eyeClosure 0 open to 1 shut
 * @param gazeX pupils' horizontal offset, -1 to 1 of the room inside the eye
 * @param gazeY pupils' vertical offset, -1 to 1
 */
public record FacePose(
        double centerX,
        double centerY,
        double scale,
        double roll,
        double yaw,
        double mouthOpen,
        double browRaise,
        double eyeClosure,
        double gazeX,
        double gazeY) {

    /** The number of parameters, for trajectories over them. */
    static final int SIZE = 10;

    /** The parameters as an array, in declaration order. */
    double[] toArray() {
        return new double[] {
            centerX, centerY, scale, roll, yaw, mouthOpen, browRaise, eyeClosure, gazeX, gazeY
        };
    }

    /** The pose with the parameters of {@code a}, in declaration order. */
    static FacePose fromArray(double[] a) {
        return new FacePose(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
    }
}

package org.metaforge.plugins.ldeq.face;

/**
 * An opaque object in front of the face: a striped rectangle or ellipse, in image pixels.
 *
 * @param ellipse whether it is an ellipse (a blob) rather than a rectangle
 * @param centerX image x of its centre
 * @param centerY image y of its centre
 * @param halfWidth half its extent along its own x axis, in pixels
 * @param halfHeight half its extent along its own y axis, in pixels
 * @param angle its rotation in radians
 * @param colour its base colour, linear RGB in [0, 1]
 * @param stripePeriod period of its stripe texture in pixels
 */
public record Occluder(
        boolean ellipse,
        double centerX,
        double centerY,
        double halfWidth,
        double halfHeight,
        double angle,
        double[] colour,
        double stripePeriod) {

    /** Checks the sizes and the colour. */
    public Occluder {
        if (!(halfWidth > 0 && halfHeight > 0 && stripePeriod > 0) || colour.length != 3) {
            throw new IllegalArgumentException(
                    "an occluder needs positive half sizes and stripe period and an RGB colour");
        }
    }

    /** Whether image point {@code (x, y)} is behind this occluder. */
    public boolean covers(double x, double y) {
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        double u = ((x - centerX) * c + (y - centerY) * s) / halfWidth;
        double v = (-(x - centerX) * s + (y - centerY) * c) / halfHeight;
        return ellipse ? u * u + v * v <= 1 : Math.abs(u) <= 1 && Math.abs(v) <= 1;
    }

    /** Its colour at image point {@code (x, y)}, channel {@code ch}: stripes modulate it. */
    double colourAt(double x, double y, int ch) {
        double along = (x - centerX) * Math.cos(angle) + (y - centerY) * Math.sin(angle);
        double stripe = 0.15 * Math.sin(2 * Math.PI * along / stripePeriod);
        return Math.max(0, Math.min(1, colour[ch] + stripe));
    }

    /** This occluder moved to {@code (x, y)}. */
    public Occluder movedTo(double x, double y) {
        return new Occluder(ellipse, x, y, halfWidth, halfHeight, angle, colour, stripePeriod);
    }
}

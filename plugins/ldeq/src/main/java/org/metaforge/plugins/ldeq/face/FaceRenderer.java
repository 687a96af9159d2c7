package org.metaforge.plugins.ldeq.face;

import java.awt.geom.Path2D;

/**
 * Draws a synthetic face: painter's layers (background, skin, brows, eyes, irises, nose, lips,
 * mouth, occluders) sampled 2 x 2 per pixel, then lighting, blur and noise.
 *
 * <p>Stateless and thread-safe; the same inputs give the same pixels.
 */
public final class FaceRenderer {

    private static final int SUPERSAMPLE = 2;
    private static final double[] SCLERA = {0.92, 0.9, 0.88};
    private static final double[] PUPIL = {0.03, 0.03, 0.03};
    private static final double[] CAVITY = {0.12, 0.04, 0.05};
    private static final int[] NOSE = {51, 52, 53, 54, 55, 56, 57, 58, 59};

    private FaceRenderer() {}

    /**
     * Renders {@code shape} in {@code pose} with {@code degradation}.
     *
     * @param channels 1 renders the grey level (mean of the RGB colours), 3 renders RGB
     * @throws IllegalArgumentException if a size is not positive or channels is not 1 or 3
     */
    public static FaceImage render(
            FaceShape shape,
            FacePose pose,
            Degradation degradation,
            int width,
            int height,
            int channels) {
        if (width < 1 || height < 1 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException(
                    "cannot render a "
                            + width
                            + "x"
                            + height
                            + " image with "
                            + channels
                            + " channels; use positive sizes and 1 or 3 channels");
        }
        FaceGeometry geometry = new FaceGeometry(shape, pose);
        double[] lm = geometry.landmarks();
        Scene scene = new Scene(shape, degradation, geometry, lm);
        float[] px = new float[width * height * channels];
        double[] rgb = new double[3];
        double[] acc = new double[3];
        int plane = width * height;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                acc[0] = acc[1] = acc[2] = 0;
                for (int sy = 0; sy < SUPERSAMPLE; sy++) {
                    for (int sx = 0; sx < SUPERSAMPLE; sx++) {
                        scene.colour(
                                x + (sx + 0.5) / SUPERSAMPLE, y + (sy + 0.5) / SUPERSAMPLE, rgb);
                        acc[0] += rgb[0];
                        acc[1] += rgb[1];
                        acc[2] += rgb[2];
                    }
                }
                double light =
                        degradation.offset()
                                + degradation.gradientX() * ((x + 0.5) / width - 0.5)
                                + degradation.gradientY() * ((y + 0.5) / height - 0.5);
                double n = SUPERSAMPLE * SUPERSAMPLE;
                if (channels == 1) {
                    double grey = (acc[0] + acc[1] + acc[2]) / (3 * n);
                    px[y * width + x] = (float) (degradation.gain() * grey + light);
                } else {
                    for (int c = 0; c < 3; c++) {
                        px[c * plane + y * width + x] =
                                (float) (degradation.gain() * acc[c] / n + light);
                    }
                }
            }
        }
        ImageFilters.blur(
                px, width, height, channels, degradation.blurKind(), degradation.blurSigma());
        ImageFilters.addNoise(px, degradation.noiseSigma(), degradation.noiseSeed());
        ImageFilters.clamp(px);
        boolean[] occluded = new boolean[WflwLayout.COUNT];
        for (int i = 0; i < WflwLayout.COUNT; i++) {
            for (Occluder o : degradation.occluders()) {
                occluded[i] |= o.covers(lm[2 * i], lm[2 * i + 1]);
            }
        }
        return new FaceImage(width, height, channels, px, lm, occluded, shape, pose, degradation);
    }

    /** The face's regions in image coordinates, and the colour at a point. */
    private static final class Scene {
        private final FaceShape shape;
        private final Degradation degradation;
        private final double[] lm;
        private final Path2D face;
        private final Path2D leftBrow;
        private final Path2D rightBrow;
        private final Path2D leftEye;
        private final Path2D rightEye;
        private final Path2D lips;
        private final Path2D mouth;
        private final double[] nostrils;
        private final double iris;
        private final double line;

        Scene(FaceShape shape, Degradation degradation, FaceGeometry g, double[] lm) {
            this.shape = shape;
            this.degradation = degradation;
            this.lm = lm;
            Path2D outline = polygon(lm, 0, 32);
            double[] arc = g.foreheadArc();
            for (int k = 0; k < FaceGeometry.ARC_POINTS; k++) {
                outline.lineTo(arc[2 * k], arc[2 * k + 1]);
            }
            outline.closePath();
            this.face = outline;
            this.leftBrow = closed(lm, 33, 41);
            this.rightBrow = closed(lm, 42, 50);
            this.leftEye = closed(lm, 60, 67);
            this.rightEye = closed(lm, 68, 75);
            this.lips = closed(lm, 76, 87);
            this.mouth = closed(lm, 88, 95);
            this.nostrils = new double[] {lm[2 * 56], lm[2 * 56 + 1], lm[2 * 58], lm[2 * 58 + 1]};
            this.iris = g.irisRadius();
            this.line = g.lineHalfWidth();
        }

        void colour(double x, double y, double[] out) {
            double[] c = shape.background();
            if (face.contains(x, y)) {
                c = shape.skin();
                if (nearNose(x, y)) {
                    c = shade(shape.skin(), 0.6);
                }
                if (near(x, y, nostrils[0], nostrils[1], 1.6 * line)
                        || near(x, y, nostrils[2], nostrils[3], 1.6 * line)) {
                    c = shade(shape.skin(), 0.3);
                }
                if (leftBrow.contains(x, y) || rightBrow.contains(x, y)) {
                    c = shape.hair();
                }
                c = eye(x, y, leftEye, WflwLayout.LEFT_PUPIL, c);
                c = eye(x, y, rightEye, WflwLayout.RIGHT_PUPIL, c);
                if (lips.contains(x, y)) {
                    c = mouth.contains(x, y) ? CAVITY : shape.lip();
                }
            }
            for (Occluder o : degradation.occluders()) {
                if (o.covers(x, y)) {
                    out[0] = o.colourAt(x, y, 0);
                    out[1] = o.colourAt(x, y, 1);
                    out[2] = o.colourAt(x, y, 2);
                    return;
                }
            }
            System.arraycopy(c, 0, out, 0, 3);
        }

        private double[] eye(double x, double y, Path2D eye, int pupil, double[] under) {
            if (!eye.contains(x, y)) {
                return under;
            }
            double px = lm[2 * pupil];
            double py = lm[2 * pupil + 1];
            if (near(x, y, px, py, 0.45 * iris)) {
                return PUPIL;
            }
            return near(x, y, px, py, iris) ? shape.iris() : SCLERA;
        }

        private boolean nearNose(double x, double y) {
            for (int k = 0; k + 1 < NOSE.length; k++) {
                if (k == 3) {
                    continue; // the bridge ends at the tip; the lower nose is its own line
                }
                int a = NOSE[k];
                int b = NOSE[k + 1];
                if (segmentDistance(x, y, lm[2 * a], lm[2 * a + 1], lm[2 * b], lm[2 * b + 1])
                        <= line) {
                    return true;
                }
            }
            return false;
        }

        private static boolean near(double x, double y, double cx, double cy, double r) {
            return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
        }

        private static double[] shade(double[] c, double f) {
            return new double[] {c[0] * f, c[1] * f, c[2] * f};
        }

        private static double segmentDistance(
                double x, double y, double ax, double ay, double bx, double by) {
            double dx = bx - ax;
            double dy = by - ay;
            double len2 = dx * dx + dy * dy;
            double t = len2 == 0 ? 0 : ((x - ax) * dx + (y - ay) * dy) / len2;
            t = Math.max(0, Math.min(1, t));
            double ex = ax + t * dx - x;
            double ey = ay + t * dy - y;
            return Math.sqrt(ex * ex + ey * ey);
        }

        private static Path2D polygon(double[] lm, int first, int last) {
            Path2D p = new Path2D.Double();
            p.moveTo(lm[2 * first], lm[2 * first + 1]);
            for (int i = first + 1; i <= last; i++) {
                p.lineTo(lm[2 * i], lm[2 * i + 1]);
            }
            return p;
        }

        private static Path2D closed(double[] lm, int first, int last) {
            Path2D p = polygon(lm, first, last);
            p.closePath();
            return p;
        }
    }
}

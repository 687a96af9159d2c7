package org.metaforge.plugins.ldeq.face;

/**
 * Places the 98 WFLW landmarks (and the forehead outline) of a face shape in a pose.
 *
 * <p>Points are first built in face units (x right, y down, eye line at {@code y = EYE_LINE}) with
 * a depth used by yaw: {@code x' = x cos(yaw) + depth sin(yaw)}; then rotated by the roll, scaled
 * and moved to the pose's centre.
 */
final class FaceGeometry {

    /** Height of the eye line in face units; the pivot (0, 0) is near the landmarks' centre. */
    private static final double EYE_LINE = -0.55;

    /** Height of the forehead above the temples, in face units. */
    private static final double FOREHEAD = 1.0;

    /** Number of points on the forehead arc. */
    static final int ARC_POINTS = 17;

    private final FaceShape f;
    private final FacePose p;
    private final double cosYaw;
    private final double sinYaw;
    private final double cosRoll;
    private final double sinRoll;

    FaceGeometry(FaceShape shape, FacePose pose) {
        this.f = shape;
        this.p = pose;
        this.cosYaw = Math.cos(pose.yaw());
        this.sinYaw = Math.sin(pose.yaw());
        this.cosRoll = Math.cos(pose.roll());
        this.sinRoll = Math.sin(pose.roll());
    }

    /** The landmarks in image pixels, interleaved x, y, in WFLW order. */
    double[] landmarks() {
        double[] out = new double[2 * WflwLayout.COUNT];
        contour(out);
        brows(out);
        nose(out);
        eyes(out);
        mouth(out);
        return out;
    }

    /** The forehead outline from the right temple over the top to the left temple, in pixels. */
    double[] foreheadArc() {
        double[] out = new double[2 * ARC_POINTS];
        double top = temple();
        for (int k = 0; k < ARC_POINTS; k++) {
            double phi = Math.PI * k / (ARC_POINTS - 1);
            put(out, k, f.faceWidth() * Math.cos(phi), top - FOREHEAD * Math.sin(phi), 0);
        }
        return out;
    }

    /** Radius of an iris in pixels. */
    double irisRadius() {
        return 0.55 * f.eyeHeight() * p.scale();
    }

    /** Half-width of the nose lines in pixels. */
    double lineHalfWidth() {
        return Math.max(0.5, 0.025 * p.scale());
    }

    private double temple() {
        return EYE_LINE + 0.1;
    }

    private void contour(double[] out) {
        double top = temple();
        double chin = f.jawLength() + 0.12 * p.mouthOpen();
        for (int i = WflwLayout.CONTOUR_FIRST; i <= WflwLayout.CONTOUR_LAST; i++) {
            double phi = Math.PI * i / WflwLayout.CONTOUR_LAST;
            double down = Math.pow(Math.sin(phi), f.jawRoundness());
            put(out, i, -f.faceWidth() * Math.cos(phi), top + chin * down, 0);
        }
    }

    private void brows(double[] out) {
        double base = EYE_LINE - f.browGap() - 0.12 * p.browRaise();
        double inner = 0.12;
        double outer = f.eyeSpacing() + f.eyeWidth() + 0.08;
        for (int side = -1; side <= 1; side += 2) {
            // t runs from the outer end (0) to the inner end (1); the brow arches in the middle
            for (int k = 0; k < 5; k++) {
                double t = k / 4.0;
                double x = side * (outer + (inner - outer) * t);
                double arch = 0.08 * Math.sin(Math.PI * (0.3 + 0.7 * t));
                double upper = base - f.browThickness() - arch;
                int index = side < 0 ? 33 + k : 46 - k;
                put(out, index, x, upper, 0.35);
            }
            for (int k = 1; k <= 4; k++) {
                double t = 1.25 - k / 4.0;
                double x = side * (outer + (inner - outer) * t);
                double arch = 0.08 * Math.sin(Math.PI * (0.3 + 0.7 * t));
                // lower edges run inner to outer: 38-41 on the left, 50-47 on the right
                put(out, side < 0 ? 37 + k : 51 - k, x, base - arch * 0.6, 0.35);
            }
        }
    }

    private void nose(double[] out) {
        double top = EYE_LINE;
        double tip = EYE_LINE + f.noseLength();
        for (int k = 0; k < 4; k++) {
            double t = k / 3.0;
            put(out, 51 + k, 0, top + (tip - top) * t, 0.35 + 0.4 * t);
        }
        double[] dx = {-0.18, -0.09, 0, 0.09, 0.18};
        double[] dy = {0.02, 0.06, 0.08, 0.06, 0.02};
        for (int k = 0; k < 5; k++) {
            put(out, 55 + k, dx[k], tip + dy[k], 0.55);
        }
    }

    private void eyes(double[] out) {
        double open = f.eyeHeight() * (1 - p.eyeClosure());
        for (int side = -1; side <= 1; side += 2) {
            double cx = side * f.eyeSpacing();
            double outerX = cx + side * f.eyeWidth();
            double innerX = cx - side * f.eyeWidth();
            int outerCorner = side < 0 ? 60 : 72;
            int innerCorner = side < 0 ? 64 : 68;
            put(out, outerCorner, outerX, EYE_LINE, 0.3);
            put(out, innerCorner, innerX, EYE_LINE, 0.3);
            for (int k = 1; k <= 3; k++) {
                double t = k / 4.0;
                double x = outerX + (innerX - outerX) * t;
                double lid = Math.sin(Math.PI * t);
                // upper lids run outer to inner on the left eye, inner to outer on the right
                int upper = side < 0 ? 60 + k : 72 - k;
                // lower lids run inner to outer on the left eye, outer to inner on the right
                int lower = side < 0 ? 68 - k : 72 + k;
                put(out, upper, x, EYE_LINE - open * lid, 0.3);
                put(out, lower, x, EYE_LINE + 0.8 * open * lid, 0.3);
            }
            double room = Math.max(0, f.eyeWidth() - 0.55 * f.eyeHeight());
            double px = cx + p.gazeX() * 0.6 * room;
            double py = EYE_LINE + p.gazeY() * 0.3 * open;
            put(out, side < 0 ? WflwLayout.LEFT_PUPIL : WflwLayout.RIGHT_PUPIL, px, py, 0.33);
        }
    }

    private void mouth(double[] out) {
        double cy = EYE_LINE + f.noseLength() + f.mouthDrop();
        double hw = f.mouthWidth() * (1 - 0.15 * p.mouthOpen());
        double gap = 0.22 * p.mouthOpen();
        double lip = f.lipThickness();
        double depth = 0.4;
        put(out, WflwLayout.MOUTH_LEFT, -hw, cy, depth);
        put(out, WflwLayout.MOUTH_RIGHT, hw, cy, depth);
        put(out, 88, -0.85 * hw, cy, depth);
        put(out, 92, 0.85 * hw, cy, depth);
        for (int k = 1; k <= 5; k++) {
            double t = k / 6.0;
            double x = -hw + 2 * hw * t;
            double bow =
                    Math.sin(Math.PI * t) * (1 - 0.35 * Math.exp(-Math.pow((t - 0.5) / 0.08, 2)));
            put(out, 76 + k, x, cy - gap / 2 - lip * 1.2 * bow, depth);
            // lower outer lip runs right to left
            put(out, 82 + k, -x, cy + gap / 2 + lip * 1.4 * Math.sin(Math.PI * t), depth);
        }
        for (int k = 1; k <= 3; k++) {
            double t = k / 4.0;
            double x = 0.85 * (-hw + 2 * hw * t);
            double s = Math.sin(Math.PI * t);
            put(out, 88 + k, x, cy - gap / 2 * s, depth);
            // lower inner lip runs right to left
            put(out, 92 + k, -x, cy + gap / 2 * s, depth);
        }
    }

    /** Stores face-unit point {@code (x, y)} with {@code depth} as image landmark {@code i}. */
    private void put(double[] out, int i, double x, double y, double depth) {
        double xs = x * cosYaw + depth * sinYaw;
        out[2 * i] = p.centerX() + p.scale() * (xs * cosRoll - y * sinRoll);
        out[2 * i + 1] = p.centerY() + p.scale() * (xs * sinRoll + y * cosRoll);
    }
}

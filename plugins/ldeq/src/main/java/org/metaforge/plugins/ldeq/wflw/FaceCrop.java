package org.metaforge.plugins.ldeq.wflw;

/**
 * A square crop of an image, resized to {@code size} x {@code size}: the model's view of a face.
 *
 * <p>The crop is centred on the landmarks' bounding box and its side is {@code extraScale} times
 * the box's longer side (the LDEQ reference crops videos at 1.2 x the box). A point maps as {@code
 * u = (x - left) * size / side}, {@code v = (y - top) * size / side}, in continuous pixel
 * coordinates (pixel {@code i} covers {@code [i, i+1)}).
 *
 * @param left image x of the crop's left edge
 * @param top image y of the crop's top edge
 * @param side the crop's side in image pixels
 * @param size the output's side in pixels
 */
public record FaceCrop(double left, double top, double side, int size) {

    /** Checks the sizes. */
    public FaceCrop {
        if (!(side > 0) || size < 1) {
            throw new IllegalArgumentException(
                    "a crop needs a positive side and output size, got " + side + " and " + size);
        }
    }

    /**
     * The crop around interleaved {@code landmarks}.
     *
     * @param extraScale crop side over the landmarks' box's longer side, e.g. 1.2
     * @param size output side in pixels
     */
    public static FaceCrop around(double[] landmarks, double extraScale, int size) {
        if (!(extraScale > 0)) {
            throw new IllegalArgumentException("extraScale must be positive, got " + extraScale);
        }
        double[] b = WflwDataset.box(landmarks);
        double side = extraScale * Math.max(b[2] - b[0], b[3] - b[1]);
        double cx = (b[0] + b[2]) / 2;
        double cy = (b[1] + b[3]) / 2;
        return new FaceCrop(cx - side / 2, cy - side / 2, side, size);
    }

    /** Interleaved image landmarks mapped into the crop's pixels. */
    public double[] toCrop(double[] landmarks) {
        double f = size / side;
        double[] out = new double[landmarks.length];
        for (int i = 0; i < landmarks.length; i += 2) {
            out[i] = (landmarks[i] - left) * f;
            out[i + 1] = (landmarks[i + 1] - top) * f;
        }
        return out;
    }

    /** Interleaved crop landmarks (e.g. predictions) mapped back to image pixels. */
    public double[] toImage(double[] landmarks) {
        double f = side / size;
        double[] out = new double[landmarks.length];
        for (int i = 0; i < landmarks.length; i += 2) {
            out[i] = left + landmarks[i] * f;
            out[i + 1] = top + landmarks[i + 1] * f;
        }
        return out;
    }

    /**
     * The cropped and resized image: each output pixel centre samples the source bilinearly at the
     * mapped point; points outside the source read as 0 (black padding).
     */
    public Image apply(Image src) {
        int c = src.channels();
        float[] out = new float[c * size * size];
        double f = side / size;
        for (int v = 0; v < size; v++) {
            // source index space: pixel centres sit at integer + 0.5
            double sy = top + (v + 0.5) * f - 0.5;
            for (int u = 0; u < size; u++) {
                double sx = left + (u + 0.5) * f - 0.5;
                for (int ch = 0; ch < c; ch++) {
                    out[(ch * size + v) * size + u] = (float) bilinear(src, ch, sx, sy);
                }
            }
        }
        return new Image(size, size, c, out);
    }

    private static double bilinear(Image img, int c, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double ax = x - x0;
        double ay = y - y0;
        return (1 - ay) * ((1 - ax) * at(img, c, x0, y0) + ax * at(img, c, x0 + 1, y0))
                + ay * ((1 - ax) * at(img, c, x0, y0 + 1) + ax * at(img, c, x0 + 1, y0 + 1));
    }

    private static double at(Image img, int c, int x, int y) {
        return x < 0 || y < 0 || x >= img.width() || y >= img.height() ? 0 : img.pixel(c, x, y);
    }
}

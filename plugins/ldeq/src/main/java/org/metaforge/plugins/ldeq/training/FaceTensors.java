package org.metaforge.plugins.ldeq.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.metaforge.plugins.ldeq.face.FaceImage;

/**
 * Batches of synthetic faces as tensors, with the crop and scale augmentation of training.
 *
 * <p>Images become {@code (B, 1, S, S)} float32 (grey: the mean over channels); landmarks {@code
 * (B, 98, 2)} in units of the image side, the read-out's units.
 */
final class FaceTensors {

    private FaceTensors() {}

    /** A batch, as rendered. */
    static NDArray[] batch(NDManager manager, List<FaceImage> faces) {
        return augmented(manager, faces, null, 0, 0);
    }

    /**
     * A batch zoomed by a random factor in {@code [1 - scale, 1 + scale]} about the image centre
     * and shifted by up to {@code shift} of the side in each direction (bilinear resampling, edges
     * clamped); the landmarks follow. {@code rng} null means no augmentation.
     */
    static NDArray[] augmented(
            NDManager manager,
            List<FaceImage> faces,
            SplittableRandom rng,
            double scale,
            double shift) {
        int b = faces.size();
        int side = faces.get(0).width();
        float[] pixels = new float[b * side * side];
        float[] marks = new float[b * 98 * 2];
        for (int i = 0; i < b; i++) {
            FaceImage f = faces.get(i);
            float[] grey = grey(f);
            double s = rng == null ? 1 : 1 + scale * (2 * rng.nextDouble() - 1);
            double tx = rng == null ? 0 : shift * side * (2 * rng.nextDouble() - 1);
            double ty = rng == null ? 0 : shift * side * (2 * rng.nextDouble() - 1);
            double c = side / 2.0;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    // the output pixel centre, mapped back into the source image
                    double sx = c + (x + 0.5 - c - tx) / s - 0.5;
                    double sy = c + (y + 0.5 - c - ty) / s - 0.5;
                    pixels[(i * side + y) * side + x] = bilinear(grey, side, sx, sy);
                }
            }
            double[] lm = f.landmarks();
            for (int k = 0; k < 98; k++) {
                marks[(i * 98 + k) * 2] = (float) ((c + s * (lm[2 * k] - c) + tx) / side);
                marks[(i * 98 + k) * 2 + 1] = (float) ((c + s * (lm[2 * k + 1] - c) + ty) / side);
            }
        }
        return new NDArray[] {
            manager.create(pixels, new Shape(b, 1, side, side)),
            manager.create(marks, new Shape(b, 98, 2))
        };
    }

    private static float[] grey(FaceImage f) {
        int n = f.width() * f.height();
        float[] out = new float[n];
        for (int c = 0; c < f.channels(); c++) {
            for (int i = 0; i < n; i++) {
                out[i] += f.pixels()[c * n + i] / f.channels();
            }
        }
        return out;
    }

    private static float bilinear(float[] img, int side, double x, double y) {
        double cx = Math.max(0, Math.min(side - 1, x));
        double cy = Math.max(0, Math.min(side - 1, y));
        int x0 = (int) Math.floor(cx);
        int y0 = (int) Math.floor(cy);
        int x1 = Math.min(side - 1, x0 + 1);
        int y1 = Math.min(side - 1, y0 + 1);
        double fx = cx - x0;
        double fy = cy - y0;
        double top = img[y0 * side + x0] * (1 - fx) + img[y0 * side + x1] * fx;
        double bottom = img[y1 * side + x0] * (1 - fx) + img[y1 * side + x1] * fx;
        return (float) (top * (1 - fy) + bottom * fy);
    }

    /** Landmarks {@code (B, 98, 2)} in image units back to pixel rows {@code [x0, y0, ...]}. */
    static double[][] toPixels(NDArray coords, int side) {
        long b = coords.getShape().get(0);
        float[] flat = coords.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        int per = flat.length / (int) b;
        double[][] out = new double[(int) b][per];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < per; j++) {
                out[i][j] = flat[i * per + j] * side;
            }
        }
        return out;
    }
}

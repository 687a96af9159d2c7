package org.metaforge.plugins.ldeq.face;

import java.util.SplittableRandom;

/** Blur and noise on channel-major float images, in place. */
final class ImageFilters {

    private ImageFilters() {}

    /** Blurs each channel with a separable kernel of standard deviation {@code sigma} pixels. */
    static void blur(float[] img, int w, int h, int channels, BlurKind kind, double sigma) {
        if (sigma <= 0) {
            return;
        }
        double[] kernel = kind == BlurKind.GAUSSIAN ? gaussian(sigma) : box(sigma);
        float[] tmp = new float[w * h];
        for (int c = 0; c < channels; c++) {
            int base = c * w * h;
            convolve(img, base, tmp, 0, w, h, kernel, true);
            convolve(tmp, 0, img, base, w, h, kernel, false);
        }
    }

    /** Adds Gaussian noise of standard deviation {@code sigma}, drawn from {@code seed}. */
    static void addNoise(float[] img, double sigma, long seed) {
        if (sigma <= 0) {
            return;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < img.length; i++) {
            img[i] += (float) (sigma * gaussian(rng));
        }
    }

    /** Clamps every value to [0, 1]. */
    static void clamp(float[] img) {
        for (int i = 0; i < img.length; i++) {
            img[i] = Math.max(0f, Math.min(1f, img[i]));
        }
    }

    /** A standard normal draw (Box-Muller). */
    static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    private static double[] gaussian(double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** A box of half-width r has variance r(r+1)/3; pick the r closest to sigma². */
    private static double[] box(double sigma) {
        int r = Math.max(1, (int) Math.round((-1 + Math.sqrt(1 + 12 * sigma * sigma)) / 2));
        double[] k = new double[2 * r + 1];
        java.util.Arrays.fill(k, 1.0 / k.length);
        return k;
    }

    /** Convolves one w x h plane along x or y; borders repeat the edge pixel. */
    private static void convolve(
            float[] src,
            int srcBase,
            float[] dst,
            int dstBase,
            int w,
            int h,
            double[] k,
            boolean alongX) {
        int r = k.length / 2;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int i = -r; i <= r; i++) {
                    int xx = alongX ? Math.min(w - 1, Math.max(0, x + i)) : x;
                    int yy = alongX ? y : Math.min(h - 1, Math.max(0, y + i));
                    acc += k[i + r] * src[srcBase + yy * w + xx];
                }
                dst[dstBase + y * w + x] = (float) acc;
            }
        }
    }
}

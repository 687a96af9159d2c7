package org.metaforge.plugins.zskt;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * A square grid of images as PNG bytes, scaled to the grid's own minimum and maximum (as
 * torchvision's {@code make_grid(normalize=True)}), with a 2-pixel border between cells.
 */
final class SampleGrid {

    static final int PAD = 2;

    private SampleGrid() {}

    /**
     * Encodes {@code pixels} {@code (N, C, H, W)} (row-major floats), {@code C} 1 or 3, in a grid
     * of {@code ceil(sqrt(N))} columns.
     */
    static byte[] png(float[] pixels, int n, int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("a grid shows 1 or 3 channels, got " + channels);
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : pixels) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max > min ? max - min : 1;
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (n + cols - 1) / cols;
        BufferedImage img =
                new BufferedImage(
                        PAD + cols * (width + PAD),
                        PAD + rows * (height + PAD),
                        BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int k = 0; k < n; k++) {
            int x0 = PAD + (k % cols) * (width + PAD);
            int y0 = PAD + (k / cols) * (height + PAD);
            int base = k * channels * plane;
            for (int r = 0; r < height; r++) {
                for (int c = 0; c < width; c++) {
                    int[] rgb = new int[3];
                    for (int ch = 0; ch < 3; ch++) {
                        int src = base + (channels == 1 ? 0 : ch) * plane + r * width + c;
                        rgb[ch] = Math.round(255 * (pixels[src] - min) / range);
                    }
                    img.setRGB(x0 + c, y0 + r, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

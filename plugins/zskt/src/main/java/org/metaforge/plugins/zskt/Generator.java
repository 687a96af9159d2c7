package org.metaforge.plugins.zskt;

import ai.djl.ndarray.types.Shape;
import org.metaforge.sdk.nn.Activations;
import org.metaforge.sdk.nn.BatchNorm;
import org.metaforge.sdk.nn.Conv2d;
import org.metaforge.sdk.nn.Linear;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.nn.Upsample;

/**
 * The pseudo-data generator of zero-shot knowledge transfer, as a flat-parameter network.
 *
 * <p>{@code z (zDim) -> linear -> 128 x H/4 x W/4 -> bn -> [upsample x2, conv 3x3, bn, leaky-ReLU
 * 0.2] x 2 (128 then 64 channels) -> conv 3x3 to C channels -> bn}, the architecture of the paper's
 * generator with its 8x8 start replaced by a quarter of the image size (7x7 for 28x28 images).
 * Nearest-neighbour upsampling plus convolution stands in for transposed convolution, which this
 * engine lacks (the authors use the same). The paper's teachers take standardised inputs, so the
 * last batch-norm's roughly unit-normal output is on their scale; for a teacher trained on raw
 * pixels, {@link #create(int, Shape, PixelScale)} appends the fixed map {@code x * std + mean} that
 * puts it back on the pixels' scale. The generator is only ever differentiated once, so its
 * batch-norms use the engine's fused kernel ({@link BatchNorm#fusedKernel()}).
 */
final class Generator {

    static final long BASE_CHANNELS = 128;
    static final double LEAKY_SLOPE = 0.2;

    private Generator() {}

    /**
     * The generator for images of {@code image} {@code (C, H, W)}, {@code H} and {@code W}
     * divisible by 4.
     *
     * @throws IllegalArgumentException if the image shape is not of that form
     */
    static Sequential create(int zDim, Shape image) {
        return create(zDim, image, null);
    }

    /**
     * As {@link #create(int, Shape)}, followed by {@code scale} unless it is null or the identity
     * (then the network is exactly the paper's, with the same parameters and layer names).
     *
     * @throws IllegalArgumentException if the image shape is not of that form or {@code scale} has
     *     a different number of channels
     */
    static Sequential create(int zDim, Shape image, PixelScale scale) {
        if (image.dimension() != 3 || image.get(1) % 4 != 0 || image.get(2) % 4 != 0) {
            throw new IllegalArgumentException(
                    "The generator makes (C, H, W) images with H and W divisible by 4; the"
                            + " teacher takes "
                            + image
                            + ".");
        }
        long h = image.get(1) / 4;
        long w = image.get(2) / 4;
        Sequential.Builder b =
                Sequential.builder(new Shape(zDim))
                        .add("fc", Linear.of(BASE_CHANNELS * h * w))
                        .add("view", new Reshape(new Shape(BASE_CHANNELS, h, w)))
                        .add("bn0", BatchNorm.of().fusedKernel())
                        .add("up1", Upsample.nearest(2))
                        .add("conv1", Conv2d.of(128, 3).padding(1))
                        .add("bn1", BatchNorm.of().fusedKernel())
                        .add("act1", Activations.leakyRelu(LEAKY_SLOPE))
                        .add("up2", Upsample.nearest(2))
                        .add("conv2", Conv2d.of(64, 3).padding(1))
                        .add("bn2", BatchNorm.of().fusedKernel())
                        .add("act2", Activations.leakyRelu(LEAKY_SLOPE))
                        .add("conv3", Conv2d.of(image.get(0), 3).padding(1))
                        .add("bn3", BatchNorm.of().fusedKernel());
        if (scale != null && !scale.identity()) {
            b.add("pixels", scale);
        }
        return b.build();
    }
}

package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.metaforge.sdk.nn.Layer;
import org.metaforge.sdk.nn.LayerContext;

/**
 * A fixed, per-channel affine map {@code x * std + mean} with no parameters: it takes the
 * generator's standardised output to the teacher's pixel scale, the inverse of the normalisation
 * the teacher's inputs would have had under the paper's preprocessing.
 *
 * @param mean one value per channel
 * @param std one positive value per channel
 */
record PixelScale(double[] mean, double[] std) implements Layer {

    PixelScale {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException(
                    "pixel scale needs one mean and one std per channel, got "
                            + mean.length
                            + " and "
                            + std.length);
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Whether this map changes nothing (means 0, stds 1). */
    boolean identity() {
        return Arrays.stream(mean).allMatch(m -> m == 0)
                && Arrays.stream(std).allMatch(s -> s == 1);
    }

    @Override
    public String kind() {
        return "pixel-scale";
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.dimension() != 3 || input.get(0) != mean.length) {
            throw new IllegalArgumentException(
                    "pixel scale for " + mean.length + " channels cannot take samples " + input);
        }
        return input;
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        Shape perChannel = new Shape(1, mean.length, 1, 1);
        NDArray m = x.getManager().create(mean).toType(x.getDataType(), false).reshape(perChannel);
        NDArray s = x.getManager().create(std).toType(x.getDataType(), false).reshape(perChannel);
        return x.mul(s).add(m);
    }
}

package org.metaforge.plugins.ldeq.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;
import java.util.HashMap;
import java.util.Map;
import org.metaforge.sdk.nn.Activations;
import org.metaforge.sdk.nn.GroupNorm;
import org.metaforge.sdk.nn.Sequential;

/**
 * One convolution block of the landmark DEQ: a square convolution, then (unless it is a plain
 * convolution) leaky ReLU and group-norm, in the reference's order.
 *
 * <p>The parameters are laid out as the SDK's {@link Sequential} of {@code Conv2d}, leaky ReLU and
 * {@code GroupNorm} lays them out (convolution weight, its bias, group-norm weight, its bias), so
 * that the {@link Sequential} initialises them; the forward pass does not go through it. It takes
 * the weights as views sliced once ({@link #bind}) and runs each step as one fused engine
 * operation: the engine's leaky ReLU, and group-norm as a layer-norm over each group followed by
 * the per-channel affine map. The layer-by-layer form took about 35 engine calls per block (views
 * of the flat vector at every call, a leaky ReLU of four operations and two scalar arrays, a
 * group-norm of a dozen), this one takes seven.
 */
final class ConvBlock {

    /** The slope of every leaky ReLU (PyTorch's default); the engine takes it as a float. */
    static final float LEAKY_SLOPE = 0.01f;

    /** The group-norm's epsilon (PyTorch's default). */
    static final float EPS = 1e-5f;

    private final Sequential layout;
    private final long offset;
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int side;
    private final int outSide;
    private final int groups;

    /**
     * A block from {@code in} channels of side {@code side} to {@code out} channels.
     *
     * @param groups the group-norm's groups, or 0 for a plain convolution (no activation, no norm)
     * @param offset where its parameters start in the flat vector
     */
    ConvBlock(int in, int side, int out, int kernel, int stride, int groups, long offset) {
        Sequential.Builder b =
                Sequential.builder(new Shape(in, side, side))
                        .add(
                                org.metaforge.sdk.nn.Conv2d.of(out, kernel)
                                        .stride(stride)
                                        .padding((kernel - 1) / 2));
        if (groups > 0) {
            b.add(Activations.leakyRelu(LEAKY_SLOPE)).add(GroupNorm.of(groups));
        }
        this.layout = b.build();
        this.offset = offset;
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.side = side;
        this.outSide = (int) layout.outputShape().get(1);
        this.groups = groups;
    }

    /** The layer-by-layer layout, for initialisation and counts. */
    Sequential layout() {
        return layout;
    }

    long offset() {
        return offset;
    }

    long parameterCount() {
        return layout.parameterCount();
    }

    /** The block's convolution over input channels {@code [from, to)}. */
    Convolution convolution(int from, int to) {
        return new Convolution(to - from, side, out, kernel, stride);
    }

    /** The block's whole convolution. */
    Convolution convolution() {
        return convolution(0, in);
    }

    /**
     * The convolution every block runs: weight {@code w}, bias {@code b} (null for none), the
     * block's stride, padding {@code (kernel - 1) / 2}.
     */
    static NDArray convolve(NDArray x, NDArray w, NDArray b, int stride) {
        long p = (w.getShape().get(2) - 1) / 2;
        return Conv2d.conv2d(
                        x, w, b, new Shape(stride, stride), new Shape(p, p), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /**
     * The block's weights as views of {@code params}, on its manager.
     *
     * @param norms the layer-norm's unit weights and zero biases by size, shared by the blocks of
     *     one binding
     */
    Bound bind(NDArray params, Map<Long, NDArray[]> norms) {
        long w = (long) out * in * kernel * kernel;
        NDArray weight = slice(params, offset, w).reshape(out, in, kernel, kernel);
        NDArray bias = slice(params, offset + w, out);
        if (groups == 0) {
            return new Bound(this, weight, bias, null, null, null);
        }
        Shape perChannel = new Shape(1, out, 1, 1);
        NDArray gamma = slice(params, offset + w + out, out).reshape(perChannel);
        NDArray beta = slice(params, offset + w + 2L * out, out).reshape(perChannel);
        long n = (long) out / groups * outSide * outSide;
        NDArray[] unit =
                norms.computeIfAbsent(
                        n, k -> unitNorm(params.getManager(), k, params.getDataType()));
        return new Bound(this, weight, bias, gamma, beta, unit);
    }

    /** A fresh cache for {@link #bind}'s {@code norms}. */
    static Map<Long, NDArray[]> norms() {
        return new HashMap<>();
    }

    private static NDArray[] unitNorm(NDManager m, long n, DataType type) {
        return new NDArray[] {m.ones(new Shape(n), type), m.zeros(new Shape(n), type)};
    }

    /**
     * Frees the handles of arrays the caller no longer needs, at once rather than when the scope
     * closes: the memory of the pass is then reused while it is still in cache, as in eager
     * PyTorch. A recorded graph holds references of its own to what it saved; views keep their
     * storage.
     */
    static void release(NDArray... arrays) {
        for (NDArray a : arrays) {
            a.close();
        }
    }

    private static NDArray slice(NDArray params, long start, long length) {
        // an index built directly: a format string is parsed at every call
        return params.get(new NDIndex().addSliceDim(start, start + length));
    }

    /**
     * A block's weights, views of one parameter vector.
     *
     * @param unit the layer-norm's unit weight and zero bias over one group, or null
     */
    record Bound(
            ConvBlock block,
            NDArray weight,
            NDArray bias,
            NDArray gamma,
            NDArray beta,
            NDArray[] unit) {

        /**
         * The block applied to {@code x}, on x's manager.
         *
         * @param overwrite whether no graph is recorded, so that the block may work in place on the
         *     arrays it creates
         */
        NDArray forward(NDArray x, boolean overwrite) {
            return finish(convolve(x, weight, bias), overwrite);
        }

        /** The block's convolution with another weight and bias (null for none). */
        NDArray convolve(NDArray x, NDArray w, NDArray b) {
            return ConvBlock.convolve(x, w, b, block.stride);
        }

        /**
         * What follows the convolution {@code y}: leaky ReLU and group-norm (nothing for a plain
         * one); {@code overwrite} as in {@link #forward}.
         */
        NDArray finish(NDArray y, boolean overwrite) {
            if (block.groups == 0) {
                return y;
            }
            NDArray a = Activation.leakyRelu(y, LEAKY_SLOPE);
            y.close();
            Shape s = a.getShape();
            NDArray grouped = a.reshape(s.get(0), block.groups, -1);
            NDArray n =
                    LayerNorm.layerNorm(
                                    grouped,
                                    new Shape(grouped.getShape().get(2)),
                                    unit[0],
                                    unit[1],
                                    EPS)
                            .singletonOrThrow();
            NDArray normalised = n.reshape(s);
            release(a, grouped, n);
            // in place, two activation-sized allocations fewer per block
            return overwrite ? normalised.muli(gamma).addi(beta) : normalised.mul(gamma).add(beta);
        }

        /**
         * Columns {@code [from, to)} of the convolution weight (input channels), as a contiguous
         * copy that stays in the graph ({@code duplicate()} would leave it), so that the
         * convolution does not copy it at every call.
         */
        NDArray inputColumns(int from, int to) {
            return weight.get(new NDIndex().addAllDim().addSliceDim(from, to))
                    .toType(weight.getDataType(), true);
        }
    }
}

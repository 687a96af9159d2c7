package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Wide residual networks WRN-depth-widen (Zagoruyko and Komodakis 2016), in the pre-activation form
 * used for forward-mode HPO (Micaelli and Storkey 2021) and zero-shot knowledge transfer (Micaelli
 * and Storkey 2019).
 *
 * <p>A 3x3 convolution to 16 channels, then three groups of {@code n = (depth - 4) / 6} basic
 * blocks of widths {@code 16 widen, 32 widen, 64 widen} whose first blocks have strides 1, 2, 2,
 * then batch norm, ReLU, global average pooling and a linear layer to the logits. A block is {@code
 * bn1, relu1, conv1 3x3 (stride), bn2, relu2, conv2 3x3} plus a shortcut: the block input when its
 * channels do not change, else a 1x1 convolution with the block's stride applied to the output of
 * {@code relu1}, as in the reference code. Convolutions have no bias; dropout is left out (rate 0).
 * Initialisation is PyTorch's default, as for every {@link FunctionalModel} here (not the
 * Kaiming-normal fan-out of the reference code), fully determined by the seed.
 *
 * <p>Top-level layers are named {@code conv, group1_block1, ..., group3_block<n>, bn, relu, pool,
 * fc}; the blocks are {@link Residual} layers, so their buffers are named e.g. {@code
 * group2_block1.bn1.running_mean}. WRN-16-1 for 32x32x3 inputs and ten classes has 175,066
 * parameters, WRN-16-2 691,674, WRN-40-2 2,243,546. Immutable and thread-safe.
 */
public final class WideResNet implements FunctionalModel {

    private static final int GROUPS = 3;

    private final Sequential network;
    private final int depth;
    private final int widen;
    private final List<String> groupEnds;

    private WideResNet(Sequential network, int depth, int widen, List<String> groupEnds) {
        this.network = network;
        this.depth = depth;
        this.widen = widen;
        this.groupEnds = List.copyOf(groupEnds);
    }

    /**
     * WRN-{@code depth}-{@code widen} for samples of {@code input}.
     *
     * @param input one sample {@code (C, H, W)} with {@code H} and {@code W} divisible by 4, e.g.
     *     {@code (3, 32, 32)} or {@code (1, 28, 28)}
     * @param depth {@code 6 n + 4} with {@code n >= 1}: 10, 16, 22, 28, 40, ...
     * @param widen the widening factor {@code k >= 1}
     * @param classes number of logits, {@code >= 1}
     * @throws IllegalArgumentException naming every invalid argument
     */
    public static WideResNet create(Shape input, int depth, int widen, int classes) {
        List<String> errors = new ArrayList<>();
        if (input == null
                || input.dimension() != 3
                || input.get(0) < 1
                || input.get(1) < 4
                || input.get(2) < 4
                || input.get(1) % 4 != 0
                || input.get(2) % 4 != 0) {
            errors.add(
                    "input "
                            + input
                            + " is not (C, H, W) with H and W positive multiples of 4; pad or"
                            + " crop the images");
        }
        if (depth < 10 || (depth - 4) % 6 != 0) {
            errors.add(
                    "depth " + depth + " is not 6n + 4 with n >= 1; use 10, 16, 22, 28, 40, ...");
        }
        if (widen < 1) {
            errors.add("widen " + widen + " is not >= 1");
        }
        if (classes < 1) {
            errors.add("classes " + classes + " is not >= 1");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(
                    "Cannot build WRN-"
                            + depth
                            + "-"
                            + widen
                            + ": "
                            + String.join("; ", errors)
                            + ".");
        }
        int blocks = (depth - 4) / 6;
        Sequential.Builder b = Sequential.builder(input);
        b.add("conv", conv3x3(16, 1));
        long channels = 16;
        List<String> groupEnds = new ArrayList<>();
        for (int g = 1; g <= GROUPS; g++) {
            long width = (16L << (g - 1)) * widen;
            for (int i = 1; i <= blocks; i++) {
                long stride = g > 1 && i == 1 ? 2 : 1;
                b.add("group" + g + "_block" + i, block(channels, width, stride));
                channels = width;
            }
            groupEnds.add("group" + g + "_block" + blocks);
        }
        b.add("bn", BatchNorm.of()).add("relu", Activations.relu());
        b.add("pool", GlobalAvgPool.of()).add("fc", Linear.of(classes));
        return new WideResNet(b.build(), depth, widen, groupEnds);
    }

    private static Conv2d conv3x3(long out, long stride) {
        return Conv2d.of(out, 3).stride(stride).padding(1).noBias();
    }

    private static Residual block(long in, long out, long stride) {
        List<Layer> main =
                List.of(
                        BatchNorm.of(),
                        Activations.relu(),
                        conv3x3(out, stride),
                        BatchNorm.of(),
                        Activations.relu(),
                        conv3x3(out, 1));
        if (in == out && stride == 1) {
            return Residual.of(main, List.of());
        }
        // The projection sees the pre-activated input, as in the reference implementations.
        return Residual.of(main, List.of(Conv2d.of(out, 1).stride(stride).noBias()))
                .shortcutAfter(2);
    }

    /** The network as a chain of layers (blocks are {@link Residual} layers). */
    public Sequential network() {
        return network;
    }

    /** The total depth, {@code 6 n + 4}. */
    public int depth() {
        return depth;
    }

    /** The widening factor. */
    public int widen() {
        return widen;
    }

    /**
     * Names of the last block of each group, whose outputs {@link #forwardWithFeatures} returns.
     */
    public List<String> groupOutputs() {
        return groupEnds;
    }

    @Override
    public long parameterCount() {
        return network.parameterCount();
    }

    @Override
    public Shape inputShape() {
        return network.inputShape();
    }

    @Override
    public Shape outputShape() {
        return network.outputShape();
    }

    @Override
    public NDArray initialParameters(NDManager manager, long seed) {
        return network.initialParameters(manager, seed);
    }

    @Override
    public ModelState newState(NDManager manager) {
        return network.newState(manager);
    }

    @Override
    public NDArray forward(NDArray params, NDArray x, ModelState state, boolean training) {
        return network.forward(params, x, state, training);
    }

    /**
     * Applies the network once and returns the logits and the three groups' outputs, e.g. for the
     * attention maps of zero-shot knowledge transfer.
     *
     * <p>A group's output is the sum of its last block, before any later normalisation; for input
     * {@code (C, H, W)} the groups output {@code (16k, H, W)}, {@code (32k, H/2, W/2)} and {@code
     * (64k, H/4, W/4)} per sample, {@code k} the widening factor. Arguments as {@link #forward}.
     *
     * @return {@code [logits (B, classes), group1, group2, group3]}, all in the graph of {@code
     *     params} and {@code x}
     */
    public NDList forwardWithFeatures(
            NDArray params, NDArray x, ModelState state, boolean training) {
        return network.forwardWithOutputs(params, x, state, training, groupEnds);
    }

    @Override
    public String toString() {
        return "WRN-" + depth + "-" + widen + " " + network;
    }
}

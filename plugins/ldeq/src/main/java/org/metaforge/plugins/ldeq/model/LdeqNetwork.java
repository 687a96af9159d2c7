package org.metaforge.plugins.ldeq.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.metaforge.sdk.nn.Activations;
import org.metaforge.sdk.nn.AvgPool2d;
import org.metaforge.sdk.nn.Conv2d;
import org.metaforge.sdk.nn.GroupNorm;
import org.metaforge.sdk.nn.MaxPool2d;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.Scalars;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.nn.Upsample;

/**
 * The landmark DEQ of Micaelli et al. (CVPR 2023) as pure functions of one flat parameter vector.
 *
 * <p>The stem (strided 7x7 convolution, 3x3 convolution, max-pool, 3x3 convolution) maps an image
 * {@code (B, C, S, S)} to the injection {@code (B, I, S/4, S/4)}. The cell maps heatmaps {@code z
 * (B, L, H, H)} and the injection to new heatmaps: a 1x1 convolution of {@code [z, injection]}, an
 * hourglass, a 1x1 head and the per-channel softargmax normalisation {@code exp(beta (h - max h))},
 * so every heatmap lies in (0, 1] with its peak at 1. Every convolution block is convolution, leaky
 * ReLU, group-norm, in the reference's order. The vector holds the stem's parameters first, then
 * the cell's ({@link #stemCount()} splits them). Immutable and thread-safe. {@link #cell} returns
 * its heatmaps on {@code z}'s manager and frees its activations; {@link #injection}, called once
 * per image batch, leaves its arrays on the manager of {@code params}, so callers pass parameters
 * that live on a short-lived manager.
 */
public final class LdeqNetwork {

    private static final double LEAKY_SLOPE = 0.01;

    private final Architecture arch;
    private final List<Block> blocks = new ArrayList<>();
    private final Block[] stem;
    private final Block tail;
    private final Block[] same;
    private final Block[] upChannels;
    private final Block bottleneck;
    private final Block[] downChannels;
    private final Block[] merge;
    private final Block[] refine;
    private final Block head;
    private final long stemCount;
    private long total;

    private record Block(Sequential net, long offset) {}

    /** Builds the network's blocks for {@code arch}. */
    public LdeqNetwork(Architecture arch) {
        this.arch = arch;
        int s = arch.imageSize();
        int i = arch.injectionWidth();
        int g = arch.groups();
        stem =
                new Block[] {
                    add(convBlock(arch.channels(), s, i / 4, 7, 2, g)),
                    add(convBlock(i / 4, s / 2, i / 2, 3, 1, g)),
                    add(
                            Sequential.builder(new Shape(i / 2, s / 2, s / 2))
                                    .add(MaxPool2d.of(2).stride(2))
                                    .build()),
                    add(convBlock(i / 2, s / 4, i, 3, 1, g))
                };
        stemCount = total;
        int h = arch.heatmapSize();
        int depth = arch.hourglassDepth();
        tail = add(convBlock(arch.landmarks() + i, h, arch.width(0), 1, 1, g));
        same = new Block[depth];
        upChannels = new Block[depth];
        downChannels = new Block[depth];
        merge = new Block[depth];
        refine = new Block[depth];
        for (int k = 0; k < depth; k++) {
            int r = h >> k;
            same[k] = add(convBlock(arch.width(k), r, arch.width(k), 3, 1, g));
            upChannels[k] = add(convBlock(arch.width(k), r / 2, arch.width(k + 1), 3, 1, g));
        }
        bottleneck = add(convBlock(arch.width(depth), h >> depth, arch.width(depth), 3, 1, g));
        for (int k = depth - 1; k >= 0; k--) {
            int r = h >> k;
            downChannels[k] = add(convBlock(arch.width(k + 1), r / 2, arch.width(k), 3, 1, g));
            merge[k] = add(convBlock(2 * arch.width(k), r, arch.width(k), 1, 1, g));
            refine[k] = add(convBlock(arch.width(k), r, arch.width(k), 5, 1, g));
        }
        head =
                add(
                        Sequential.builder(new Shape(arch.width(0), h, h))
                                .add(Conv2d.of(arch.landmarks(), 1))
                                .build());
    }

    private static Sequential convBlock(int in, int size, int out, int kernel, int stride, int g) {
        return Sequential.builder(new Shape(in, size, size))
                .add(Conv2d.of(out, kernel).stride(stride).padding((kernel - 1) / 2))
                .add(Activations.leakyRelu(LEAKY_SLOPE))
                .add(GroupNorm.of(g))
                .build();
    }

    private Block add(Sequential net) {
        Block b = new Block(net, total);
        blocks.add(b);
        total += net.parameterCount();
        return b;
    }

    /** The architecture. */
    public Architecture architecture() {
        return arch;
    }

    /** Length of the flat parameter vector. */
    public long parameterCount() {
        return total;
    }

    /** How many leading entries of the vector belong to the stem; the cell's follow. */
    public long stemCount() {
        return stemCount;
    }

    /** The range {@code [start, end)} of the head's parameters (its 1x1 convolution). */
    public long[] headRange() {
        return new long[] {head.offset(), head.offset() + head.net().parameterCount()};
    }

    /** Shape of the heatmaps of a batch of {@code batch}: {@code (B, L, H, H)}. */
    public Shape heatmapShape(long batch) {
        return new Shape(batch, arch.landmarks(), arch.heatmapSize(), arch.heatmapSize());
    }

    /**
     * Fresh float32 parameters: every block's PyTorch-default initialisation, each from its own
     * seed drawn from {@code seed}.
     */
    public NDArray initialParameters(NDManager manager, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        NDList parts = new NDList();
        try (NDManager scratch = manager.newSubManager()) {
            for (Block b : blocks) {
                if (b.net().parameterCount() > 0) {
                    parts.add(b.net().initialParameters(scratch, r.nextLong()));
                }
            }
            NDArray all = NDArrays.concat(parts, 0);
            all.attach(manager);
            return all;
        }
    }

    /** The injection {@code (B, I, H, H)} of images {@code (B, C, S, S)}. */
    public NDArray injection(NDArray params, NDArray images) {
        NDArray x = images;
        for (Block b : stem) {
            x = run(b, params, x);
        }
        return x;
    }

    /**
     * One application of the cell: new normalised heatmaps from {@code z} and the injection, on
     * {@code z}'s manager. The activations of the pass live on a scope of their own, closed before
     * returning (a recorded graph keeps what it needs), so a solver that calls the cell many times
     * holds the memory of one call, not of every call.
     */
    public NDArray cell(NDArray params, NDArray z, NDArray injection) {
        NDManager home = z.getManager();
        try (NDManager scope = home.newSubManager()) {
            // a view of the parameters on the scope: the functional layers put every array of the
            // pass on the parameters' manager
            NDArray p = params.get(new NDIndex(":"));
            p.attach(scope);
            NDArray input = NDArrays.concat(new NDList(z, injection), 1);
            input.attach(scope);
            NDArray x = run(tail, p, input);
            x = level(0, p, x);
            NDArray out = normalise(run(head, p, x), arch.beta());
            out.attach(home);
            return out;
        }
    }

    private NDArray level(int k, NDArray params, NDArray x) {
        NDArray skip = run(same[k], params, x);
        NDArray down = AvgPool2d.of(2).stride(2).forward(skip, null);
        NDArray inner = run(upChannels[k], params, down);
        inner =
                k + 1 < arch.hourglassDepth()
                        ? level(k + 1, params, inner)
                        : run(bottleneck, params, inner);
        NDArray up = Upsample.nearest(2).forward(run(downChannels[k], params, inner), null);
        NDArray merged = run(merge[k], params, NDArrays.concat(new NDList(skip, up), 1));
        return run(refine[k], params, merged).add(merged);
    }

    private static NDArray run(Block b, NDArray params, NDArray x) {
        long n = b.net().parameterCount();
        NDArray own =
                n == 0
                        ? params.get(new NDIndex("0:0"))
                        : params.get(new NDIndex("{}:{}", b.offset(), b.offset() + n));
        return b.net().forward(own, x, EMPTY_STATE, false);
    }

    private static final ModelState EMPTY_STATE = new ModelState();

    /**
     * The softargmax normalisation {@code exp(beta (h - max h))}, the maximum taken per sample and
     * channel over the grid (as the reference's {@code Normalize}).
     */
    static NDArray normalise(NDArray h, double beta) {
        // one axis at a time: the engine reduces a maximum over a single axis only
        NDArray peak = h.max(new int[] {3}, true).max(new int[] {2}, true);
        try (NDArray b = Scalars.like(h, beta)) {
            return h.sub(peak).mul(b).exp();
        }
    }

    /** Zero heatmaps for a batch, the per-frame start {@code z0 = 0}, of {@code type}. */
    public NDArray zeros(NDManager manager, long batch, DataType type) {
        return manager.zeros(heatmapShape(batch), type);
    }
}

package org.metaforge.plugins.ldeq.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.metaforge.sdk.nn.Scalars;

/**
 * The landmark DEQ of Micaelli et al. (CVPR 2023) as pure functions of one flat parameter vector.
 *
 * <p>The stem (strided 7x7 convolution, 3x3 convolution, max-pool, 3x3 convolution) maps an image
 * {@code (B, C, S, S)} to the injection {@code (B, I, S/4, S/4)}. The cell maps heatmaps {@code z
 * (B, L, H, H)} and the injection to new heatmaps: a 1x1 convolution of {@code [z, injection]}, an
 * hourglass, a 1x1 head and the per-channel softargmax normalisation {@code exp(beta (h - max h))},
 * so every heatmap lies in (0, 1] with its peak at 1. Every convolution block is convolution, leaky
 * ReLU, group-norm, in the reference's order ({@link ConvBlock}). The vector holds the stem's
 * parameters first, then the cell's ({@link #stemCount()} splits them). Immutable and thread-safe.
 *
 * <p>A solver evaluates the cell many times for one parameter vector and one injection: {@link
 * #cellMap} prepares it once for that ({@link Cell}); {@link #cell} prepares and evaluates it in
 * one call (a single tracked step). Either returns its heatmaps on {@code z}'s manager and frees
 * its activations. {@link #injection}, called once per image batch, and {@link #cellMap} leave
 * their result and the views they slice on the manager of {@code params}, so callers pass
 * parameters that live on a short-lived manager.
 */
public final class LdeqNetwork {

    private final Architecture arch;
    private final List<ConvBlock> blocks = new ArrayList<>();
    private final ConvBlock[] stem;
    private final ConvBlock tail;
    private final ConvBlock[] same;
    private final ConvBlock[] upChannels;
    private final ConvBlock bottleneck;
    private final ConvBlock[] downChannels;
    private final ConvBlock[] merge;
    private final ConvBlock[] refine;
    private final ConvBlock head;
    private final long stemCount;
    private long total;

    /** Builds the network's blocks for {@code arch}. */
    public LdeqNetwork(Architecture arch) {
        this.arch = arch;
        int s = arch.imageSize();
        int i = arch.injectionWidth();
        int g = arch.groups();
        // the max-pool between the second and third blocks has no parameters
        stem =
                new ConvBlock[] {
                    add(arch.channels(), s, i / 4, 7, 2, g),
                    add(i / 4, s / 2, i / 2, 3, 1, g),
                    add(i / 2, s / 4, i, 3, 1, g)
                };
        stemCount = total;
        int h = arch.heatmapSize();
        int depth = arch.hourglassDepth();
        tail = add(arch.landmarks() + i, h, arch.width(0), 1, 1, g);
        same = new ConvBlock[depth];
        upChannels = new ConvBlock[depth];
        downChannels = new ConvBlock[depth];
        merge = new ConvBlock[depth];
        refine = new ConvBlock[depth];
        for (int k = 0; k < depth; k++) {
            int r = h >> k;
            same[k] = add(arch.width(k), r, arch.width(k), 3, 1, g);
            upChannels[k] = add(arch.width(k), r / 2, arch.width(k + 1), 3, 1, g);
        }
        bottleneck = add(arch.width(depth), h >> depth, arch.width(depth), 3, 1, g);
        for (int k = depth - 1; k >= 0; k--) {
            int r = h >> k;
            downChannels[k] = add(arch.width(k + 1), r / 2, arch.width(k), 3, 1, g);
            merge[k] = add(2 * arch.width(k), r, arch.width(k), 1, 1, g);
            refine[k] = add(arch.width(k), r, arch.width(k), 5, 1, g);
        }
        head = add(arch.width(0), h, arch.landmarks(), 1, 1, 0);
    }

    private ConvBlock add(int in, int size, int out, int kernel, int stride, int groups) {
        ConvBlock b = new ConvBlock(in, size, out, kernel, stride, groups, total);
        blocks.add(b);
        total += b.parameterCount();
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
        return new long[] {head.offset(), head.offset() + head.parameterCount()};
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
            for (ConvBlock b : blocks) {
                parts.add(b.layout().initialParameters(scratch, r.nextLong()));
            }
            NDArray all = NDArrays.concat(parts, 0);
            all.attach(manager);
            return all;
        }
    }

    /** The injection {@code (B, I, H, H)} of images {@code (B, C, S, S)}. */
    public NDArray injection(NDArray params, NDArray images) {
        checkParameters(params);
        Map<Long, NDArray[]> norms = ConvBlock.norms();
        ConvBlock.Bound first = stem[0].bind(params, norms);
        NDArray x =
                images.getDataType() == params.getDataType()
                        ? images
                        : images.toType(params.getDataType(), false);
        x = first.convolve(x, first.weight(), first.bias());
        x.attach(params.getManager());
        boolean overwrite = !params.hasGradient() && !images.hasGradient();
        x = first.finish(x, overwrite);
        NDArray second = stem[1].bind(params, norms).forward(x, overwrite);
        NDArray pooled =
                Pool.maxPool2d(second, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        ConvBlock.release(x, second);
        NDArray out = stem[2].bind(params, norms).forward(pooled, overwrite);
        ConvBlock.release(pooled);
        return out;
    }

    /**
     * The cell as the map {@code z -> f(z, injection)} for these parameters and this batch, for a
     * solver: the weights are sliced and the injection's share of the first convolution computed
     * here, once. Its arrays live on the manager of {@code params} (keep it open while the map is
     * used); each evaluation returns its heatmaps on {@code z}'s manager, as {@link #cell}.
     */
    public UnaryOperator<NDArray> cellMap(NDArray params, NDArray injection) {
        checkParameters(params);
        return new Cell(this, params, injection);
    }

    /**
     * One application of the cell: new normalised heatmaps from {@code z} and the injection, on
     * {@code z}'s manager. The activations of the pass live on a scope of their own, closed before
     * returning (a recorded graph keeps what it needs), so a solver that calls the cell many times
     * holds the memory of one call, not of every call; {@link #cellMap} also prepares the weights
     * only once.
     */
    public NDArray cell(NDArray params, NDArray z, NDArray injection) {
        checkParameters(params);
        try (NDManager scope = z.getManager().newSubManager()) {
            // a view of the parameters on the scope, so that the prepared cell lives there
            NDArray p = params.get(new NDIndex(":"));
            p.attach(scope);
            return new Cell(this, p, injection).apply(z);
        }
    }

    /**
     * The convolutions one cell evaluation runs, in order (the injection's share of the first one
     * excluded: it is computed once per solve), for the benchmark's convolution floor.
     */
    public List<Convolution> cellConvolutions() {
        return Cell.convolutions(this);
    }

    /**
     * The convolution every block runs, on {@code x}'s manager: weight {@code w} (out, in, k, k),
     * bias {@code b} (null for none), padding {@code (k - 1) / 2}.
     */
    public static NDArray convolve(NDArray x, NDArray w, NDArray b, int stride) {
        return ConvBlock.convolve(x, w, b, stride);
    }

    private void checkParameters(NDArray params) {
        Shape s = params.getShape();
        DataType t = params.getDataType();
        if (s.dimension() != 1
                || s.get(0) != total
                || (t != DataType.FLOAT32 && t != DataType.FLOAT64)) {
            throw new IllegalArgumentException(
                    "Parameters are "
                            + t
                            + " of shape "
                            + s
                            + " but this network needs a float32 or float64 vector of "
                            + total
                            + "; create them with initialParameters.");
        }
    }

    ConvBlock tailBlock() {
        return tail;
    }

    ConvBlock sameBlock(int k) {
        return same[k];
    }

    ConvBlock upChannelsBlock(int k) {
        return upChannels[k];
    }

    ConvBlock bottleneckBlock() {
        return bottleneck;
    }

    ConvBlock downChannelsBlock(int k) {
        return downChannels[k];
    }

    ConvBlock mergeBlock(int k) {
        return merge[k];
    }

    ConvBlock refineBlock(int k) {
        return refine[k];
    }

    ConvBlock headBlock() {
        return head;
    }

    /** Average pooling by 2 (the hourglass's way down). */
    static NDArray halve(NDArray x) {
        return Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
    }

    /**
     * The softargmax normalisation {@code exp(beta (h - max h))}, the maximum taken per sample and
     * channel over the grid (as the reference's {@code Normalize}).
     */
    static NDArray normalise(NDArray h, double beta) {
        return normalise(h, beta, false);
    }

    /**
     * {@link #normalise(NDArray, double)}, subtracting in place in {@code h} if {@code overwrite}.
     */
    static NDArray normalise(NDArray h, double beta, boolean overwrite) {
        // one axis at a time: the engine reduces a maximum over a single axis only
        NDArray rows = h.max(new int[] {3}, true);
        NDArray peak = rows.max(new int[] {2}, true);
        NDArray centred = overwrite ? h.subi(peak) : h.sub(peak);
        ConvBlock.release(rows, peak);
        if (beta == 1) {
            return centred.exp();
        }
        try (NDArray b = Scalars.like(h, beta)) {
            return centred.mul(b).exp();
        }
    }

    /** Zero heatmaps for a batch, the per-frame start {@code z0 = 0}, of {@code type}. */
    public NDArray zeros(NDManager manager, long batch, DataType type) {
        return manager.zeros(heatmapShape(batch), type);
    }
}

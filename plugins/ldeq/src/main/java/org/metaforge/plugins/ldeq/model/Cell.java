package org.metaforge.plugins.ldeq.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The cell for one parameter vector and one batch's injection, prepared once for many evaluations:
 * the weights sliced into views and the injection's share of the first 1x1 convolution computed (a
 * solver would otherwise redo both at every evaluation).
 *
 * <p>The 1x1 convolutions of concatenations are evaluated as sums instead: the first one as {@code
 * conv([z, injection]) = conv_z(z) + (conv_inj(injection) + bias)}, and the merge of each level,
 * {@code conv([skip, up(low)])} with nearest upsampling {@code up}, as {@code conv_skip(skip) +
 * up(conv_low(low))}, since a 1x1 convolution commutes with nearest upsampling. Same values as the
 * concatenated form up to rounding, without the concatenations, and the upsampled half of each
 * merge costs a quarter.
 */
final class Cell implements UnaryOperator<NDArray> {

    private final double beta;
    private final ConvBlock.Bound tail;
    private final NDArray tailZ;
    private final NDArray share;
    private final ConvBlock.Bound[] same;
    private final ConvBlock.Bound[] upChannels;
    private final ConvBlock.Bound bottleneck;
    private final ConvBlock.Bound[] downChannels;
    private final ConvBlock.Bound[] merge;
    private final NDArray[] mergeSkip;
    private final NDArray[] mergeLow;
    private final ConvBlock.Bound[] refine;
    private final ConvBlock.Bound head;
    private final boolean recording;

    /** Prepares the cell; its arrays live on the manager of {@code params}. */
    Cell(LdeqNetwork net, NDArray params, NDArray injection) {
        Architecture arch = net.architecture();
        this.recording = params.hasGradient() || injection.hasGradient();
        this.beta = arch.beta();
        int depth = arch.hourglassDepth();
        NDManager owner = params.getManager();
        Map<Long, NDArray[]> norms = ConvBlock.norms();
        tail = net.tailBlock().bind(params, norms);
        int l = arch.landmarks();
        tailZ = tail.inputColumns(0, l);
        share =
                tail.convolve(
                        injection, tail.inputColumns(l, l + arch.injectionWidth()), tail.bias());
        share.attach(owner);
        same = new ConvBlock.Bound[depth];
        upChannels = new ConvBlock.Bound[depth];
        downChannels = new ConvBlock.Bound[depth];
        merge = new ConvBlock.Bound[depth];
        mergeSkip = new NDArray[depth];
        mergeLow = new NDArray[depth];
        refine = new ConvBlock.Bound[depth];
        for (int k = 0; k < depth; k++) {
            same[k] = net.sameBlock(k).bind(params, norms);
            upChannels[k] = net.upChannelsBlock(k).bind(params, norms);
            downChannels[k] = net.downChannelsBlock(k).bind(params, norms);
            merge[k] = net.mergeBlock(k).bind(params, norms);
            int w = arch.width(k);
            mergeSkip[k] = merge[k].inputColumns(0, w);
            mergeLow[k] = merge[k].inputColumns(w, 2 * w);
            refine[k] = net.refineBlock(k).bind(params, norms);
        }
        bottleneck = net.bottleneckBlock().bind(params, norms);
        head = net.headBlock().bind(params, norms);
    }

    /**
     * New normalised heatmaps from {@code z}, on z's manager. The activations live on a scope of
     * their own, closed before returning (a recorded graph keeps what it needs), so a solver that
     * evaluates the cell many times holds the memory of one evaluation. Without a graph to record
     * (neither z, the parameters nor the injection require gradients), additions and the
     * group-norm's affine map work in place on the pass's own arrays.
     */
    @Override
    public NDArray apply(NDArray z) {
        boolean overwrite = !recording && !z.hasGradient();
        NDManager home = z.getManager();
        try (NDManager scope = home.newSubManager()) {
            // every later operation takes an activation first, and results go to the manager of
            // their first operand: the scope
            NDArray x = tail.convolve(z, tailZ, null);
            x.attach(scope);
            x = tail.finish(overwrite ? x.addi(share) : x.add(share), overwrite);
            NDArray features = level(0, x, overwrite);
            NDArray h = head.forward(features, overwrite);
            ConvBlock.release(features);
            NDArray out = LdeqNetwork.normalise(h, beta, overwrite);
            ConvBlock.release(h);
            out.attach(home);
            return out;
        }
    }

    /**
     * The convolutions one evaluation of {@link #apply} runs, in its order: the heatmaps' share of
     * the first 1x1 convolution (the injection's is computed once per solve), then per level its
     * 3x3 block, the way down, the level below, the way up, the merge as two 1x1 convolutions (full
     * and half resolution) and the 5x5 refinement, then the head. Keep it in step with {@link
     * #apply} and {@link #level}.
     */
    static List<Convolution> convolutions(LdeqNetwork net) {
        List<Convolution> out = new ArrayList<>();
        out.add(net.tailBlock().convolution(0, net.architecture().landmarks()));
        levelConvolutions(net, 0, out);
        out.add(net.headBlock().convolution());
        return out;
    }

    private static void levelConvolutions(LdeqNetwork net, int k, List<Convolution> out) {
        out.add(net.sameBlock(k).convolution());
        out.add(net.upChannelsBlock(k).convolution());
        if (k + 1 < net.architecture().hourglassDepth()) {
            levelConvolutions(net, k + 1, out);
        } else {
            out.add(net.bottleneckBlock().convolution());
        }
        out.add(net.downChannelsBlock(k).convolution());
        int w = net.architecture().width(k);
        Convolution skip = net.mergeBlock(k).convolution(0, w);
        out.add(skip);
        Convolution low = net.mergeBlock(k).convolution(w, 2 * w);
        out.add(new Convolution(low.in(), low.side() / 2, low.out(), low.kernel(), low.stride()));
        out.add(net.refineBlock(k).convolution());
    }

    /** Hourglass level {@code k} of {@code x}, which it frees. */
    private NDArray level(int k, NDArray x, boolean overwrite) {
        NDArray skip = same[k].forward(x, overwrite);
        ConvBlock.release(x);
        NDArray down = LdeqNetwork.halve(skip);
        NDArray inner = upChannels[k].forward(down, overwrite);
        ConvBlock.release(down);
        if (k + 1 < same.length) {
            inner = level(k + 1, inner, overwrite);
        } else {
            NDArray bottom = bottleneck.forward(inner, overwrite);
            ConvBlock.release(inner);
            inner = bottom;
        }
        NDArray low = downChannels[k].forward(inner, overwrite);
        ConvBlock.release(inner);
        NDArray fine = merge[k].convolve(skip, mergeSkip[k], merge[k].bias());
        NDArray coarse = merge[k].convolve(low, mergeLow[k], null);
        ConvBlock.release(skip, low);
        NDArray merged = merge[k].finish(upAdd(fine, coarse, overwrite), overwrite);
        NDArray refined = refine[k].forward(merged, overwrite);
        NDArray out = overwrite ? refined.addi(merged) : refined.add(merged);
        ConvBlock.release(merged);
        if (out != refined) {
            ConvBlock.release(refined);
        }
        return out;
    }

    /**
     * {@code fine + up(coarse)} with {@code up} the nearest upsampling by 2 (each element repeated
     * along both axes: on this engine faster than a broadcast over 2x2 blocks, whose innermost axis
     * is 2 long); {@code fine} and {@code coarse} are freed.
     */
    private static NDArray upAdd(NDArray fine, NDArray coarse, boolean overwrite) {
        NDArray rows = coarse.repeat(2, 2);
        NDArray up = rows.repeat(3, 2);
        NDArray out = overwrite ? fine.addi(up) : fine.add(up);
        ConvBlock.release(rows, up, coarse);
        if (out != fine) {
            ConvBlock.release(fine);
        }
        return out;
    }
}

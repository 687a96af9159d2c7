package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.Network;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.nn.WideResNet;

/**
 * A classifier together with the layers whose outputs feed attention transfer.
 *
 * <p>Wide-ResNets expose the outputs of their three groups (as in the paper); LeNet-5 exposes the
 * outputs of its two max-pooling layers; an MLP exposes none. Teacher and student can exchange
 * attention only if their taps agree in number and spatial size.
 *
 * @param model the network
 * @param taps names of the layers whose outputs are returned after the logits
 */
record Net(FunctionalModel model, List<String> taps) {

    /** Builds {@code network} as {@code baselines/sgd} does, with its attention taps. */
    static Net build(
            Network network,
            Shape input,
            int classes,
            List<Integer> hidden,
            boolean batchNorm,
            int depth,
            int widen) {
        return build(network, input, classes, hidden, batchNorm, depth, widen, 1);
    }

    /** As above, with LeNet-5's widths multiplied by {@code lenetWidth} (LeNet only). */
    static Net build(
            Network network,
            Shape input,
            int classes,
            List<Integer> hidden,
            boolean batchNorm,
            int depth,
            int widen,
            double lenetWidth) {
        FunctionalModel m =
                network.build(input, classes, hidden, batchNorm, depth, widen, lenetWidth);
        if (m instanceof WideResNet w) {
            return new Net(m, w.groupOutputs());
        }
        List<String> taps = new ArrayList<>();
        if (m instanceof Sequential s && network == Network.LENET) {
            for (Sequential.Entry e : s.layers()) {
                if (e.name().startsWith("maxpool")) {
                    taps.add(e.name());
                }
            }
        }
        return new Net(m, List.copyOf(taps));
    }

    /** The per-sample shapes of the tapped outputs, in tap order. */
    List<Shape> tapShapes() {
        List<Shape> out = new ArrayList<>();
        if (model instanceof WideResNet w) {
            for (Sequential.Entry e : w.network().layers()) {
                if (taps.contains(e.name())) {
                    out.add(e.outputShape());
                }
            }
        } else if (model instanceof Sequential s) {
            for (Sequential.Entry e : s.layers()) {
                if (taps.contains(e.name())) {
                    out.add(e.outputShape());
                }
            }
        }
        return out;
    }

    /** Whether attention maps of this net and {@code other} can be compared tap by tap. */
    boolean attentionCompatible(Net other) {
        List<Shape> a = tapShapes();
        List<Shape> b = other.tapShapes();
        if (a.isEmpty() || a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).get(1) != b.get(i).get(1) || a.get(i).get(2) != b.get(i).get(2)) {
                return false;
            }
        }
        return true;
    }

    /** {@code [logits, tap outputs...]}; arguments as {@link FunctionalModel#forward}. */
    NDList forward(NDArray w, NDArray x, ModelState state, boolean training) {
        if (model instanceof WideResNet wrn) {
            return wrn.forwardWithFeatures(w, x, state, training);
        }
        if (model instanceof Sequential s) {
            return s.forwardWithOutputs(w, x, state, training, taps);
        }
        return new NDList(model.forward(w, x, state, training));
    }

    /** The logits only. */
    NDArray logits(NDArray w, NDArray x, ModelState state, boolean training) {
        return model.forward(w, x, state, training);
    }
}

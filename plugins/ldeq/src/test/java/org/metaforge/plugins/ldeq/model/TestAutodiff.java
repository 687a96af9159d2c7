package org.metaforge.plugins.ldeq.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Function;
import org.metaforge.sdk.autodiff.Autodiff;

/**
 * A first-order {@link Autodiff} for this plugin's tests that keeps graphs across calls.
 *
 * <p>The testkit's {@code FirstOrderAutodiff} frees a graph after one backward pass, but the
 * implicit backward takes many vector-Jacobian products on one tracked step, as the framework's
 * autodiff allows. This one runs the engine's backward with {@code keepGraph} and reads the leaves'
 * gradients, zeroing them before each call. Inputs must be leaves made by {@link #requireGradient}.
 * Test code only: plugins never touch the engine directly.
 */
public final class TestAutodiff implements Autodiff {

    @Override
    public Tape tape() {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        return () -> JniUtils.setGradMode(previous);
    }

    @Override
    public NDArray requireGradient(NDArray x) {
        NDArray copy = x.stopGradient().duplicate();
        copy.setRequiresGradient(true);
        return copy;
    }

    @Override
    public NDList gradient(NDArray output, NDList inputs, boolean createGraph) {
        return vjp(new NDList(output), inputs, new NDList(output.onesLike()), createGraph);
    }

    @Override
    public NDList vjp(NDList outputs, NDList inputs, NDList cotangents, boolean createGraph) {
        if (createGraph) {
            throw new UnsupportedOperationException("first order only");
        }
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            for (NDArray in : inputs) {
                if (in.hasGradient()) {
                    in.getGradient().muli(0);
                }
            }
            NDArray total = null;
            for (int i = 0; i < outputs.size(); i++) {
                NDArray term = outputs.get(i).mul(cotangents.get(i).stopGradient()).sum();
                total = total == null ? term : total.add(term);
            }
            JniUtils.backward((PtNDArray) total, (PtNDArray) total.onesLike(), true, false);
            NDList out = new NDList();
            for (NDArray in : inputs) {
                NDArray g = in.hasGradient() ? in.getGradient().duplicate() : in.zerosLike();
                g.attach(in.getManager());
                out.add(g);
            }
            return out;
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    @Override
    public NDList gradientAndHvp(Function<NDArray, NDArray> f, NDArray w, NDList v) {
        throw new UnsupportedOperationException("first order only");
    }
}

package org.metaforge.sdk.testkit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import java.util.function.Function;
import org.metaforge.sdk.autodiff.Autodiff;

/**
 * An {@link Autodiff} for plugin tests, on DJL's public gradient collector: first order only.
 *
 * <p>The host's implementation (second order, no {@code .grad} state) lives in the framework, which
 * plugins must not depend on; this one lets a plugin test its first-order training loops without
 * it. Second-order calls throw {@link UnsupportedOperationException}.
 */
public final class FirstOrderAutodiff implements Autodiff {

    private GradientCollector collector;

    @Override
    public Tape tape() {
        if (collector != null) {
            throw new IllegalStateException("FirstOrderAutodiff supports one open tape at a time");
        }
        collector = Engine.getInstance().newGradientCollector();
        return () -> {
            collector.close();
            collector = null;
        };
    }

    @Override
    public NDArray requireGradient(NDArray x) {
        NDArray copy = x.stopGradient().duplicate();
        copy.setRequiresGradient(true);
        return copy;
    }

    @Override
    public NDList gradient(NDArray output, NDList inputs, boolean createGraph) {
        if (createGraph) {
            throw new UnsupportedOperationException("second order needs the framework's Autodiff");
        }
        if (collector == null) {
            throw new IllegalStateException("gradient() must be called inside tape()");
        }
        collector.backward(output);
        NDList out = new NDList();
        for (NDArray in : inputs) {
            NDArray g = in.getGradient().duplicate();
            g.attach(in.getManager());
            out.add(g);
        }
        return out;
    }

    @Override
    public NDList vjp(NDList outputs, NDList inputs, NDList cotangents, boolean createGraph) {
        NDArray total = null;
        for (int i = 0; i < outputs.size(); i++) {
            NDArray term = outputs.get(i).mul(cotangents.get(i)).sum();
            total = total == null ? term : total.add(term);
        }
        return gradient(total, inputs, createGraph);
    }

    @Override
    public NDList gradientAndHvp(Function<NDArray, NDArray> f, NDArray w, NDList v) {
        throw new UnsupportedOperationException(
                "Hessian-vector products need the framework's Autodiff");
    }
}

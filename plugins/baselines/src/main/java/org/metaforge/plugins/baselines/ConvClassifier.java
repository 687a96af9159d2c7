package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.metric.Accuracy;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.Linear;
import org.metaforge.sdk.nn.Losses;
import org.metaforge.sdk.nn.Scalars;
import org.metaforge.sdk.nn.Sequential;

/**
 * The classifier that MAML, Reptile and the support-only baseline adapt: the four-block embedding
 * of {@link ProtoNetLearner#embedding} followed by a linear head with one output per way, and the
 * pieces of fine-tuning it on an episode.
 *
 * <p>Batch-norm always normalises with the statistics of the batch it is given (training mode), as
 * the reference MAML code does: the support set during adaptation, the query set when scoring it.
 * Each forward uses a throw-away {@link org.metaforge.sdk.nn.ModelState}, so no running statistics
 * are kept or checkpointed and a prediction depends only on the weights and the batch.
 */
final class ConvClassifier {

    private ConvClassifier() {}

    /** The four conv blocks and a {@code ways}-output linear head, for samples of {@code input}. */
    static Sequential of(Shape input, int channels, int ways) {
        Sequential embedding = ProtoNetLearner.embedding(input, channels);
        Sequential.Builder b = Sequential.builder(input);
        for (Sequential.Entry e : embedding.layers()) {
            b.add(e.name(), e.layer());
        }
        return b.add("head", Linear.of(ways)).build();
    }

    /** One episode's support and query tensors. */
    record EpisodeTensors(NDArray xs, NDArray ys, NDArray xq, NDArray yq) {

        /**
         * Gathers {@code episode} from {@code data} onto {@code manager}, episode labels 0..N-1.
         */
        static EpisodeTensors of(NDManager manager, LabeledImages.Tensors data, Episode episode) {
            NDArray xs = data.batch(manager, episode.support()).get(0);
            NDArray xq = data.batch(manager, episode.query()).get(0);
            return new EpisodeTensors(
                    xs,
                    manager.create(episode.supportLabels()),
                    xq,
                    manager.create(episode.queryLabels()));
        }

        /** Support and query as one batch, as Reptile trains on them. */
        EpisodeTensors merged() {
            NDArray x = xs.concat(xq, 0);
            NDArray y = ys.concat(yq, 0);
            return new EpisodeTensors(x, y, xq, yq);
        }
    }

    /**
     * Mean cross-entropy of {@code net} at weights {@code w} on {@code (x, y)}, batch-norm on the
     * batch's statistics; differentiable to any order in {@code w}. Lands on {@code w}'s manager.
     */
    static NDArray loss(FunctionalModel net, NDArray w, NDArray x, NDArray y) {
        return Losses.crossEntropy(logits(net, w, x), y);
    }

    /** Logits of {@code x} at weights {@code w}, batch-norm on the batch's statistics. */
    static NDArray logits(FunctionalModel net, NDArray w, NDArray x) {
        return net.forward(w, x, net.newState(w.getManager()), true);
    }

    /**
     * {@code steps} plain SGD steps {@code w <- w - lr grad L(w)} on {@code (x, y)} from {@code w},
     * without a graph; the result and all temporaries land on {@code w}'s manager ({@code w} itself
     * is left alone).
     */
    static NDArray sgd(
            Autodiff ad,
            FunctionalModel net,
            NDArray w,
            NDArray x,
            NDArray y,
            int steps,
            double lr) {
        NDArray current = w;
        for (int k = 0; k < steps; k++) {
            NDArray g = gradient(ad, net, current, x, y);
            try (NDArray a = Scalars.like(g, lr)) {
                current = current.sub(g.mul(a));
            }
        }
        return current == w ? w.duplicate() : current;
    }

    /**
     * {@code steps} Adam steps of {@code lr} (fresh moments) on {@code (x, y)} from {@code w},
     * without a graph; the result lands on {@code w}'s manager ({@code w} itself is left alone) and
     * each step's temporaries are freed with the step.
     */
    static NDArray adam(
            Autodiff ad,
            FunctionalModel net,
            NDArray w,
            NDArray x,
            NDArray y,
            int steps,
            double lr) {
        NDArray current = w.duplicate();
        NDArray m = current.zerosLike();
        NDArray v = current.zerosLike();
        for (int k = 0; k < steps; k++) {
            try (NDManager step = w.getManager().newSubManager()) {
                current.tempAttach(step);
                m.tempAttach(step);
                v.tempAttach(step);
                Adam.step(current, m, v, gradient(ad, net, current, x, y), k + 1L, lr);
            }
        }
        m.close();
        v.close();
        return current;
    }

    /** The gradient of {@link #loss} at {@code w}, without a graph, on {@code w}'s manager. */
    static NDArray gradient(Autodiff ad, FunctionalModel net, NDArray w, NDArray x, NDArray y) {
        try (Autodiff.Tape tape = ad.tape()) {
            NDArray wr = ad.requireGradient(w);
            NDArray l = loss(net, wr, x, y);
            return ad.gradient(l, new NDList(wr), false).get(0);
        }
    }

    /** Query accuracy of weights {@code w}, batch-norm on the query batch's statistics. */
    static double accuracy(FunctionalModel net, NDArray w, NDArray xq, NDArray yq) {
        return Accuracy.of(logits(net, w, xq), yq);
    }
}

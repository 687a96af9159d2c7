package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.metric.Accuracy;
import org.metaforge.sdk.nn.Losses;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.Sequential;

/**
 * Test-time fine-tuning of a Prototypical Network on an episode's support set, the way Proto-MAML
 * (Triantafillou et al., Meta-Dataset, 2020) starts it: the prototype classifier is rewritten as a
 * linear head, {@code W_k = 2 c_k}, {@code b_k = -|c_k|^2}, whose logits {@code 2 c_k . e - |c_k|^2
 * = -|e - c_k|^2 + |e|^2} differ from the prototypical logits by a constant per image, so before
 * any step it predicts exactly what the prototypes do. Then embedding and head are trained together
 * by Adam on the cross-entropy of the support images, and the queries are scored by the tuned
 * embedding and head.
 *
 * <p>Batch-norm: with {@code transductive} each step normalises the support batch by its own
 * statistics and the final scoring embeds support and queries together, as the un-tuned evaluation
 * does; otherwise everything uses the meta-learned running statistics.
 */
final class ProtoFineTune {

    /**
     * A fine-tuned episode.
     *
     * @param accuracy query accuracy after fine-tuning
     * @param supportLossBefore support cross-entropy of the prototype head before the first step
     * @param supportLossAfter support cross-entropy after the last step
     */
    record Outcome(double accuracy, double supportLossBefore, double supportLossAfter) {}

    private ProtoFineTune() {}

    /**
     * The linear head equal to the prototype classifier: {@code W = 2 C} {@code (ways, D)} and
     * {@code b = -|c_k|^2} {@code (ways)}.
     */
    static NDList head(NDArray prototypes) {
        return new NDList(prototypes.mul(2), prototypes.square().sum(new int[] {1}).neg());
    }

    /** Logits {@code e W^T + b} of embeddings {@code e} {@code (M, D)}. */
    static NDArray logits(NDArray embeddings, NDArray w, NDArray b) {
        return embeddings.matMul(w.transpose()).add(b);
    }

    /**
     * Fine-tunes a copy of {@code w0} (the state's arrays are not touched) on one episode and
     * scores its queries.
     *
     * @param running the meta-learned running statistics (read only)
     */
    static Outcome run(
            Autodiff ad,
            Sequential net,
            NDArray w0,
            ModelState running,
            LabeledImages.Tensors data,
            Episode episode,
            int steps,
            double lr,
            boolean transductive,
            NDManager manager) {
        try (NDManager sm = manager.newSubManager()) {
            w0.tempAttach(sm);
            EpisodeSize size = episode.size();
            int nSupport = episode.support().length;
            NDArray x = data.batch(sm, episode.supportThenQuery()).get(0);
            NDArray xs = x.get(new NDIndex("0:{}", nSupport));
            NDArray ys = sm.create(episode.supportLabels());
            NDArray start = embed(net, w0, x, running, transductive, sm);
            NDList h =
                    head(
                            Prototypes.of(
                                    start.get(new NDIndex("0:{}", nSupport)),
                                    size.ways(),
                                    size.shots()));
            NDArray w = w0.duplicate();
            NDArray headW = h.get(0);
            NDArray headB = h.get(1);
            NDArray[] params = {w, headW, headB};
            NDArray[] m = new NDArray[3];
            NDArray[] v = new NDArray[3];
            for (int i = 0; i < 3; i++) {
                m[i] = params[i].zerosLike();
                v[i] = params[i].zerosLike();
            }
            double before = Double.NaN;
            for (int k = 0; k < steps; k++) {
                try (NDManager step = sm.newSubManager()) {
                    for (int i = 0; i < 3; i++) {
                        params[i].tempAttach(step);
                        m[i].tempAttach(step);
                        v[i].tempAttach(step);
                    }
                    NDList g;
                    try (Autodiff.Tape tape = ad.tape()) {
                        NDArray wr = ad.requireGradient(w);
                        NDArray hw = ad.requireGradient(headW);
                        NDArray hb = ad.requireGradient(headB);
                        NDArray e = embed(net, wr, xs, running, transductive, step);
                        NDArray l = Losses.crossEntropy(logits(e, hw, hb), ys);
                        if (k == 0) {
                            before = l.toType(DataType.FLOAT64, false).getDouble();
                        }
                        g = ad.gradient(l, new NDList(wr, hw, hb), false);
                    }
                    for (int i = 0; i < 3; i++) {
                        Adam.step(params[i], m[i], v[i], g.get(i), k + 1L, lr);
                    }
                }
            }
            double after =
                    Losses.crossEntropy(
                                    logits(
                                            embed(net, w, xs, running, transductive, sm),
                                            headW,
                                            headB),
                                    ys)
                            .toType(DataType.FLOAT64, false)
                            .getDouble();
            NDArray all = embed(net, w, x, running, transductive, sm);
            NDArray queries = all.get(new NDIndex("{}:", nSupport));
            double acc =
                    Accuracy.of(logits(queries, headW, headB), sm.create(episode.queryLabels()));
            return new Outcome(acc, before, after);
        }
    }

    /** Embeddings of {@code x}: its own batch statistics (transductive) or the running ones. */
    private static NDArray embed(
            Sequential net,
            NDArray w,
            NDArray x,
            ModelState running,
            boolean transductive,
            NDManager manager) {
        return transductive
                // a throw-away state, so the episode never touches the running statistics
                ? net.forward(w, x, net.newState(manager), true)
                : net.forward(w, x, running, false);
    }
}

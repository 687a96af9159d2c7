package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.metaforge.sdk.nn.Losses;
import org.metaforge.sdk.nn.Scalars;

/**
 * The divergences of knowledge transfer, differentiable in both arguments.
 *
 * <p>Reductions follow the authors' code, which uses PyTorch's element-wise {@code mean}: the
 * divergence is summed over classes and divided by {@code B K} (not {@code B}), and the attention
 * term is a mean over {@code B} and the map's pixels. The paper's {@code beta = 250} and the
 * few-shot {@code 2 alpha T^2} weight are tuned for these reductions. Every scalar operand is an
 * engine-owned array ({@link Scalars}), so the losses are safe inside a gradient graph.
 */
final class TransferLosses {

    /** {@code F.normalize}'s floor on the norm. */
    static final double NORM_EPS = 1e-12;

    private TransferLosses() {}

    /**
     * {@code KL(softmax(t / T) || softmax(s / T))} summed over classes and averaged over the {@code
     * B K} entries of {@code (B, K)} logits.
     */
    static NDArray kl(NDArray studentLogits, NDArray teacherLogits, double temperature) {
        long entries = studentLogits.getShape().size();
        try (NDArray invT = Scalars.like(studentLogits, 1.0 / temperature);
                NDArray invN = Scalars.like(studentLogits, 1.0 / entries)) {
            NDArray logS = studentLogits.mul(invT).logSoftmax(1);
            NDArray logT = teacherLogits.mul(invT).logSoftmax(1);
            return logT.exp().mul(logT.sub(logS)).sum().mul(invN);
        }
    }

    /**
     * The attention map of activations {@code (B, C, H, W)}: the channel mean of squares, flattened
     * to {@code (B, H W)} and scaled to unit L2 norm per sample.
     */
    static NDArray attention(NDArray activations) {
        long b = activations.getShape().get(0);
        NDArray q = activations.square().mean(new int[] {1}).reshape(b, -1);
        try (NDArray eps = Scalars.like(q, NORM_EPS)) {
            NDArray norm = q.square().sum(new int[] {1}, true).sqrt().maximum(eps);
            return q.div(norm);
        }
    }

    /** {@code mean((attention(s) - attention(t))^2)} over samples and pixels. */
    static NDArray attentionDistance(NDArray student, NDArray teacher) {
        return attention(student).sub(attention(teacher)).square().mean();
    }

    /**
     * {@code beta * sum_l attentionDistance(s_l, t_l)} over the tap outputs that follow the logits
     * in both lists; {@code null} when {@code beta} is 0.
     */
    static NDArray attentionLoss(NDList student, NDList teacher, double beta) {
        if (beta == 0) {
            return null;
        }
        NDArray total = null;
        for (int l = 1; l < student.size(); l++) {
            NDArray d = attentionDistance(student.get(l), teacher.get(l));
            total = total == null ? d : total.add(d);
        }
        if (total == null) {
            return null;
        }
        try (NDArray b = Scalars.like(total, beta)) {
            return total.mul(b);
        }
    }

    /**
     * Hinton's distillation loss as the few-shot paper writes it: {@code (1 - alpha) CE(s, y) + 2
     * alpha T^2 kl(s, t, T)}; {@code alpha = 0} is plain cross-entropy.
     */
    static NDArray distillation(
            NDArray studentLogits,
            NDArray teacherLogits,
            NDArray labels,
            double alpha,
            double temperature) {
        NDArray ce = Losses.crossEntropy(studentLogits, labels);
        if (alpha == 0) {
            return ce;
        }
        try (NDArray a = Scalars.like(ce, 1 - alpha);
                NDArray k = Scalars.like(ce, 2 * alpha * temperature * temperature)) {
            return ce.mul(a).add(kl(studentLogits, teacherLogits, temperature).mul(k));
        }
    }
}

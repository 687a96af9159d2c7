package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;

/** Loss functions over batches, differentiable to any order. */
public final class Losses {

    private Losses() {}

    /**
     * Mean softmax cross-entropy of {@code logits (B, K)} against integer class {@code labels (B)};
     * the result is a scalar in the logits' dtype, on the logits' manager.
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logp = logits.logSoftmax(1);
        NDArray onehot = labels.oneHot((int) logits.getShape().get(1), logp.getDataType());
        return logp.mul(onehot).sum(new int[] {1}).neg().mean();
    }
}

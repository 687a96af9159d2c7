package org.metaforge.sdk.metric;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Classification accuracy: the fraction of samples whose highest logit is at the label.
 *
 * <p>Ties go to the lowest class index. Inputs are never closed or modified; temporaries are closed
 * before returning.
 */
public final class Accuracy {

    private Accuracy() {}

    /**
     * Accuracy in {@code [0, 1]}.
     *
     * @param logits scores {@code (B, K)}, any numeric type, {@code B >= 1}
     * @param labels class indices {@code (B)} in {@code [0, K)}, any numeric type
     */
    public static double of(NDArray logits, NDArray labels) {
        return (double) correct(logits, labels) / logits.getShape().get(0);
    }

    /** Number of samples whose highest logit is at the label; arguments as {@link #of}. */
    public static long correct(NDArray logits, NDArray labels) {
        Shape ls = logits.getShape();
        Shape ys = labels.getShape();
        if (ls.dimension() != 2 || ls.get(0) < 1 || ys.dimension() != 1 || ys.get(0) != ls.get(0)) {
            throw new IllegalArgumentException(
                    "Accuracy needs logits (B, K) and labels (B) with B >= 1, got logits "
                            + ls
                            + " and labels "
                            + ys
                            + ".");
        }
        NDArray predicted = logits.argMax(1);
        NDArray truth = labels.toType(DataType.INT64, false);
        NDArray hits = predicted.eq(truth);
        NDArray hitCount = hits.toType(DataType.INT64, false);
        NDArray total = hitCount.sum();
        long count = total.getLong();
        for (NDArray a : new NDArray[] {total, hitCount, hits, predicted, truth}) {
            if (a != labels && a != logits) {
                a.close();
            }
        }
        return count;
    }

    /**
     * Accumulates accuracy over batches.
     *
     * <p>Not thread-safe.
     */
    public static final class Counter {

        private long correct;
        private long total;

        /** Adds one batch; arguments as {@link Accuracy#of}. */
        public Counter add(NDArray logits, NDArray labels) {
            correct += Accuracy.correct(logits, labels);
            total += logits.getShape().get(0);
            return this;
        }

        /** Correctly classified samples so far. */
        public long correct() {
            return correct;
        }

        /** Samples so far. */
        public long total() {
            return total;
        }

        /**
         * Accuracy over every sample added, in {@code [0, 1]}.
         *
         * @throws IllegalStateException if nothing was added
         */
        public double value() {
            if (total == 0) {
                throw new IllegalStateException(
                        "Accuracy.Counter is empty; add at least one batch before value().");
            }
            return (double) correct / total;
        }
    }
}

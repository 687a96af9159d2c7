package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.ModelState;

/** Eval-mode class predictions of a network over a data set, and scores computed from them. */
final class Predictions {

    private Predictions() {}

    /** The arg-max class of every sample of {@code data}, in eval mode, batch by batch. */
    static int[] of(
            Net net,
            NDArray w,
            ModelState state,
            LabeledImages.Tensors data,
            int size,
            int batch,
            NDManager run) {
        int[] out = new int[size];
        for (int from = 0; from < size; from += batch) {
            int to = Math.min(size, from + batch);
            try (NDManager sm = run.newSubManager()) {
                w.tempAttach(sm);
                NDList xy = data.batch(sm, from, to);
                NDArray logits = net.logits(w, xy.get(0), state, false);
                long[] am = logits.argMax(1).toLongArray();
                for (int i = 0; i < am.length; i++) {
                    out[from + i] = (int) am[i];
                }
            }
        }
        return out;
    }

    /** The fraction of positions where {@code a} and {@code b} agree. */
    static double agreement(int[] a, int[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException(
                    "agreement needs two equally long, non-empty prediction lists");
        }
        long same = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                same++;
            }
        }
        return (double) same / a.length;
    }

    /** The fraction of {@code predicted} equal to the labels of {@code data}. */
    static double accuracy(int[] predicted, LabeledImages data) {
        int[] labels = new int[predicted.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = data.label(i);
        }
        return agreement(predicted, labels);
    }
}

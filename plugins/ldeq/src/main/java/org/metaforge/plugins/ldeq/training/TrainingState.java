package org.metaforge.plugins.ldeq.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.metaforge.sdk.run.RunFailedException;

/**
 * What training carries from step to step, and its checkpoint format: the named arrays {@code
 * params}, {@code m}, {@code v} and a float64 {@code meta} vector (steps done, then the loss
 * curve).
 */
final class TrainingState {

    static final String CHECKPOINT = "ldeq-training";

    final NDArray params;
    final NDArray m;
    final NDArray v;
    int step;

    /** Mean training loss of each completed window of {@code checkpoint-every} steps. */
    final List<Double> curve = new ArrayList<>();

    TrainingState(NDArray params) {
        this.params = params;
        this.m = params.zerosLike();
        this.v = params.zerosLike();
    }

    private TrainingState(NDArray params, NDArray m, NDArray v) {
        this.params = params;
        this.m = m;
        this.v = v;
    }

    byte[] encode() {
        try (NDManager scratch = params.getManager().newSubManager()) {
            double[] meta = new double[1 + curve.size()];
            meta[0] = step;
            for (int i = 0; i < curve.size(); i++) {
                meta[1 + i] = curve.get(i);
            }
            NDArray metaArray = scratch.create(meta);
            metaArray.setName("meta");
            params.setName("params");
            m.setName("m");
            v.setName("v");
            return new NDList(params, m, v, metaArray).encode();
        }
    }

    static TrainingState decode(NDManager manager, byte[] bytes) {
        NDArray params = null;
        NDArray m = null;
        NDArray v = null;
        double[] meta = null;
        for (NDArray a : NDList.decode(manager, bytes)) {
            switch (String.valueOf(a.getName())) {
                case "params" -> params = a;
                case "m" -> m = a;
                case "v" -> v = a;
                case "meta" -> meta = a.toType(DataType.FLOAT64, false).toDoubleArray();
                default -> {}
            }
        }
        if (params == null || m == null || v == null || meta == null) {
            throw new RunFailedException(
                    "The stored checkpoint of ldeq/ldeq is incomplete; run with --no-cache.");
        }
        TrainingState s = new TrainingState(params, m, v);
        s.step = (int) meta[0];
        for (int i = 1; i < meta.length; i++) {
            s.curve.add(meta[i]);
        }
        return s;
    }
}

package org.metaforge.plugins.fds;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/** The hypergradient from the validation gradient and the tangents. */
final class Hypergradients {

    private Hypergradients() {}

    /**
     * {@code dL_val(w_T)/dh_j = grad L_val . Z_j}, divided by the steps per block that updated the
     * tangents (the paper's normalisation, so hyperparameters of different kinds and horizons get
     * comparable signals).
     */
    static double[] of(NDArray valGradient, TrackedRun run, HyperKind kind, int blocks) {
        double[] raw = raw(valGradient, run.tangents().get(kind));
        double perBlock = run.updates().get(kind) / (double) blocks;
        for (int j = 0; j < raw.length; j++) {
            raw[j] /= perBlock;
        }
        return raw;
    }

    /** {@code grad . Z_j} for every block, unnormalised (what finite differences check). */
    static double[] raw(NDArray valGradient, List<NDArray> tangents) {
        double[] out = new double[tangents.size()];
        for (int j = 0; j < out.length; j++) {
            try (NDArray dot = valGradient.mul(tangents.get(j)).sum()) {
                out[j] = dot.toType(DataType.FLOAT64, false).getDouble();
            }
        }
        return out;
    }
}

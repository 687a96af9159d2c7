package org.metaforge.plugins.fds;

import ai.djl.ndarray.NDArray;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.metaforge.sdk.nn.ModelState;

/**
 * The end of an inner run: final weights and, per tracked hyperparameter kind, the tangents {@code
 * Z_j = dw_T / dh_j} (one flat vector per block). Owns its arrays (on the run's manager).
 *
 * @param weights final flat weights {@code w_T}
 * @param state final batch-norm buffers
 * @param tangents per tracked kind, one tangent per block
 * @param updates per tracked kind, how many steps updated its tangents (pruning skips some)
 * @param steps steps taken
 * @param lastLoss mini-batch loss of the last step
 * @param divergedAt the step where the loss or a tangent stopped being finite, or -1
 */
record TrackedRun(
        NDArray weights,
        ModelState state,
        Map<HyperKind, List<NDArray>> tangents,
        Map<HyperKind, Integer> updates,
        long steps,
        double lastLoss,
        long divergedAt) {

    TrackedRun {
        tangents = new EnumMap<>(tangents);
        updates = new EnumMap<>(updates);
    }

    boolean diverged() {
        return divergedAt >= 0;
    }

    /** Closes the weights and tangents. */
    void close() {
        weights.close();
        tangents.values().forEach(l -> l.forEach(NDArray::close));
    }
}

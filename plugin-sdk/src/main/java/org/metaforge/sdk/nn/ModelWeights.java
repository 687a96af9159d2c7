package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * A trained functional model's flat parameter vector and its buffers, as bytes for the store.
 *
 * <p>The format is DJL's {@link NDList#encode()} of the named arrays: {@code weights}, then each
 * buffer of the {@link ModelState} under {@code state:<name>}. A learner that saves its model with
 * {@link #encode} lets another component (a distiller reading a teacher, a successive-halving rung
 * continuing a trial) rebuild it with {@link #decode} and the same {@link FunctionalModel}.
 *
 * @param weights the flat parameter vector
 * @param state the model's buffers (batch-norm running statistics); empty if it has none
 */
public record ModelWeights(NDArray weights, ModelState state) {

    private static final String WEIGHTS = "weights";
    private static final String STATE = "state:";

    /** The bytes of these weights; the arrays themselves are left unchanged. */
    public byte[] encode() {
        NDList list = new NDList();
        try (NDManager sm = weights.getManager().newSubManager()) {
            NDArray w = weights.duplicate();
            w.attach(sm);
            w.setName(WEIGHTS);
            list.add(w);
            for (String name : state.names()) {
                NDArray b = state.get(name).duplicate();
                b.attach(sm);
                b.setName(STATE + name);
                list.add(b);
            }
            return list.encode();
        }
    }

    /**
     * Reads weights written by {@link #encode} onto {@code manager}.
     *
     * @param what names the bytes' origin in the error message, e.g. "teacher of zskt/zero-shot"
     * @throws IllegalArgumentException if the bytes hold no weight vector
     */
    public static ModelWeights decode(NDManager manager, byte[] bytes, String what) {
        NDList list;
        try {
            list = NDList.decode(manager, bytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "The saved model of " + what + " is unreadable: " + e.getMessage(), e);
        }
        NDArray weights = null;
        ModelState state = new ModelState();
        for (NDArray a : list) {
            String name = a.getName();
            if (WEIGHTS.equals(name)) {
                weights = a;
            } else if (name != null && name.startsWith(STATE)) {
                state.put(name.substring(STATE.length()), a);
            }
        }
        if (weights == null) {
            throw new IllegalArgumentException(
                    "The saved model of "
                            + what
                            + " has no weight vector; it was not written by"
                            + " ModelWeights.encode. Re-run the component that trained it.");
        }
        return new ModelWeights(weights, state);
    }
}

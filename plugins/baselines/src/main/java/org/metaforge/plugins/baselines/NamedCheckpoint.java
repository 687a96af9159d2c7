package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.run.RunFailedException;

/**
 * The checkpoint format of the baselines' learners: named arrays, then a float64 vector {@code
 * meta} of scalars, then the model state's buffers named {@code state:<buffer>}.
 *
 * @param arrays the arrays by name, in the order they are written
 * @param meta counters and curves, flattened
 * @param state the batch-norm buffers
 */
record NamedCheckpoint(Map<String, NDArray> arrays, double[] meta, ModelState state) {

    private static final String META = "meta";
    private static final String STATE = "state:";

    /**
     * The bytes of this checkpoint; the arrays' names are set, the state's are left as they were.
     */
    byte[] encode(NDManager manager) {
        try (NDManager sm = manager.newSubManager()) {
            NDList list = new NDList();
            arrays.forEach(
                    (name, a) -> {
                        a.setName(name);
                        list.add(a);
                    });
            NDArray m = sm.create(meta);
            m.setName(META);
            list.add(m);
            NDList buffers = state.toList();
            for (NDArray b : buffers) {
                b.setName(STATE + b.getName());
            }
            list.addAll(buffers);
            byte[] bytes = list.encode();
            for (NDArray b : buffers) {
                b.setName(b.getName().substring(STATE.length()));
            }
            return bytes;
        }
    }

    /**
     * Reads a checkpoint onto {@code manager}.
     *
     * @param component named in the error when an array in {@code required} or the meta is missing
     */
    static NamedCheckpoint decode(
            NDManager manager, byte[] bytes, String component, String... required) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        double[] meta = null;
        NDList buffers = new NDList();
        for (NDArray a : NDList.decode(manager, bytes)) {
            String name = a.getName();
            if (META.equals(name)) {
                meta = a.toType(DataType.FLOAT64, false).toDoubleArray();
            } else if (name != null && name.startsWith(STATE)) {
                a.setName(name.substring(STATE.length()));
                buffers.add(a);
            } else if (name != null) {
                arrays.put(name, a);
            }
        }
        boolean complete = meta != null;
        for (String r : required) {
            complete &= arrays.containsKey(r);
        }
        if (!complete) {
            throw new RunFailedException(
                    "The stored checkpoint of "
                            + component
                            + " is incomplete; run with --no-cache.");
        }
        return new NamedCheckpoint(arrays, meta, ModelState.fromList(buffers));
    }
}

package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.run.RunFailedException;

/**
 * The checkpoint format of the zskt distillers: named arrays, a float64 vector {@code meta} of
 * counters and curves, and model states whose buffers are named {@code <state>:<buffer>}.
 *
 * @param arrays the arrays by name (names must not contain ':')
 * @param meta counters and curves, flattened
 * @param states the models' buffers by model name
 */
record Checkpoint(Map<String, NDArray> arrays, double[] meta, Map<String, ModelState> states) {

    private static final String META = "meta";

    /** The bytes of this checkpoint; the given arrays are not changed (copies are named). */
    byte[] encode(NDManager manager) {
        try (NDManager sm = manager.newSubManager()) {
            NDList list = new NDList();
            arrays.forEach((name, a) -> list.add(named(a, name, sm)));
            NDArray m = sm.create(meta);
            m.setName(META);
            list.add(m);
            states.forEach(
                    (model, state) -> {
                        for (String b : state.names()) {
                            list.add(named(state.get(b), model + ":" + b, sm));
                        }
                    });
            return list.encode();
        }
    }

    private static NDArray named(NDArray a, String name, NDManager sm) {
        NDArray d = a.duplicate();
        d.attach(sm);
        d.setName(name);
        return d;
    }

    /**
     * Reads a checkpoint onto {@code manager}.
     *
     * @throws RunFailedException if {@code meta} or an array in {@code required} is missing
     */
    static Checkpoint decode(
            NDManager manager, byte[] bytes, String component, String... required) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        Map<String, ModelState> states = new LinkedHashMap<>();
        double[] meta = null;
        for (NDArray a : NDList.decode(manager, bytes)) {
            String name = a.getName();
            if (META.equals(name)) {
                meta = a.toType(DataType.FLOAT64, false).toDoubleArray();
            } else if (name != null && name.contains(":")) {
                int i = name.indexOf(':');
                states.computeIfAbsent(name.substring(0, i), k -> new ModelState())
                        .put(name.substring(i + 1), a);
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
        return new Checkpoint(arrays, meta, states);
    }

    /** The state saved for {@code model}, or an empty one (a model without buffers). */
    ModelState state(String model) {
        return states.getOrDefault(model, new ModelState());
    }
}

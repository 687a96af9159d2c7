package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The non-trained buffers of a {@link FunctionalModel}, by name (e.g. {@code bn1.running_mean}).
 *
 * <p>Mutable: training-mode forwards replace entries. Not thread-safe.
 */
public final class ModelState {

    private final Map<String, NDArray> buffers = new LinkedHashMap<>();

    /** The buffer named {@code name}, or null. */
    public NDArray get(String name) {
        return buffers.get(name);
    }

    /**
     * Replaces the buffer {@code name}; the new value is detached from any graph and attached to
     * the manager of the value it replaces (or kept where it is for a new entry), and the old value
     * is closed.
     */
    public void put(String name, NDArray value) {
        NDArray old = buffers.get(name);
        NDArray v = value.stopGradient();
        if (old != null) {
            v.attach(old.getManager());
            if (old != v) {
                old.close();
            }
        }
        buffers.put(name, v);
    }

    /** The buffer names in insertion order. */
    public Iterable<String> names() {
        return buffers.keySet();
    }

    /** A deep copy with every buffer duplicated onto {@code manager}. */
    public ModelState copy(NDManager manager) {
        ModelState out = new ModelState();
        buffers.forEach(
                (k, v) -> {
                    NDArray d = v.duplicate();
                    d.attach(manager);
                    out.buffers.put(k, d);
                });
        return out;
    }

    /** The buffers as one list, each named, for encoding into a checkpoint. */
    public NDList toList() {
        NDList list = new NDList();
        buffers.forEach(
                (k, v) -> {
                    v.setName(k);
                    list.add(v);
                });
        return list;
    }

    /** A state from named arrays, e.g. a decoded checkpoint. */
    public static ModelState fromList(NDList list) {
        ModelState out = new ModelState();
        for (NDArray a : list) {
            out.buffers.put(a.getName(), a);
        }
        return out;
    }
}

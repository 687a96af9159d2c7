package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A chain of {@link Layer}s applied one after the other, as a {@link FunctionalModel}.
 *
 * <p>Build one with {@link #builder(Shape)}; every layer's input shape, parameter range and name
 * are fixed at build time. The flat parameter vector holds the layers' parameters in layer order
 * (weight before bias within a layer). Immutable and thread-safe.
 */
public final class Sequential implements FunctionalModel {

    /**
     * One resolved layer of the chain.
     *
     * @param name unique name, the prefix of the layer's buffer names (e.g. {@code bn1})
     * @param layer the layer
     * @param inputShape per-sample input shape
     * @param outputShape per-sample output shape
     * @param offset index of the layer's first parameter in the flat vector
     * @param parameterCount number of parameters the layer uses
     */
    public record Entry(
            String name,
            Layer layer,
            Shape inputShape,
            Shape outputShape,
            long offset,
            long parameterCount) {}

    private final Shape inputShape;
    private final List<Entry> entries;
    private final long parameterCount;

    private Sequential(Shape inputShape, List<Entry> entries) {
        this.inputShape = inputShape;
        this.entries = List.copyOf(entries);
        long total = 0;
        for (Entry e : entries) {
            total += e.parameterCount();
        }
        this.parameterCount = total;
    }

    /** Starts a network taking samples of {@code inputShape}, e.g. {@code (1, 28, 28)}. */
    public static Builder builder(Shape inputShape) {
        return new Builder(inputShape);
    }

    /** The resolved layers, in order. */
    public List<Entry> layers() {
        return entries;
    }

    @Override
    public long parameterCount() {
        return parameterCount;
    }

    @Override
    public Shape inputShape() {
        return inputShape;
    }

    @Override
    public Shape outputShape() {
        return entries.isEmpty() ? inputShape : entries.get(entries.size() - 1).outputShape();
    }

    @Override
    public NDArray initialParameters(NDManager manager, long seed) {
        if (parameterCount > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(
                    "The network has "
                            + parameterCount
                            + " parameters, more than one Java array holds; use a smaller"
                            + " network.");
        }
        float[] values = new float[(int) parameterCount];
        ParameterInit init = new ParameterInit(values, seed);
        for (Entry e : entries) {
            int before = init.position();
            e.layer().initialize(e.inputShape(), init);
            if (init.position() - before != e.parameterCount()) {
                throw new IllegalStateException(
                        "Layer '"
                                + e.name()
                                + "' initialised "
                                + (init.position() - before)
                                + " parameters but declares "
                                + e.parameterCount()
                                + "; fix its initialize or parameterCount.");
            }
        }
        return manager.create(values);
    }

    @Override
    public ModelState newState(NDManager manager) {
        ModelState state = new ModelState();
        for (Entry e : entries) {
            e.layer().initializeState(e.name(), e.inputShape(), state, manager);
        }
        return state;
    }

    @Override
    public NDArray forward(NDArray params, NDArray x, ModelState state, boolean training) {
        return forwardWithOutputs(params, x, state, training, List.of()).head();
    }

    /**
     * Applies the network as {@link #forward} does and also returns the outputs of some layers.
     *
     * @param layerNames names of layers of this chain (see {@link #layers()}) whose outputs to
     *     return; a name may repeat
     * @return {@code [output, output of layerNames[0], ...]}, each with its batch axis, on the
     *     parameters' manager
     * @throws IllegalArgumentException if a name is not a layer of this chain
     */
    public NDList forwardWithOutputs(
            NDArray params,
            NDArray x,
            ModelState state,
            boolean training,
            List<String> layerNames) {
        List<String> unknown =
                layerNames.stream()
                        .filter(n -> entries.stream().noneMatch(e -> e.name().equals(n)))
                        .toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "No layers named "
                            + unknown
                            + " in this network; its layers are "
                            + entries.stream().map(Entry::name).toList()
                            + ".");
        }
        checkParams(params);
        checkInput(x);
        DataType type = params.getDataType();
        NDArray h = x;
        if (x.getDataType() != type || x.getManager() != params.getManager()) {
            // Converted (or aliased) onto the parameters' manager so that every array of the
            // pass lives there; the conversion is differentiable with respect to x.
            h = x.toType(type, true);
            h.attach(params.getManager());
        }
        NDArray[] taps = new NDArray[layerNames.size()];
        for (Entry e : entries) {
            LayerContext ctx =
                    new LayerContext(
                            e.name(),
                            e.inputShape(),
                            params,
                            e.offset(),
                            e.parameterCount(),
                            state,
                            training);
            h = e.layer().forward(h, ctx);
            for (int i = 0; i < taps.length; i++) {
                if (layerNames.get(i).equals(e.name())) {
                    taps[i] = h;
                }
            }
        }
        NDList out = new NDList(h);
        out.addAll(Arrays.asList(taps));
        return out;
    }

    private void checkParams(NDArray params) {
        Shape s = params.getShape();
        DataType t = params.getDataType();
        if (s.dimension() != 1 || s.get(0) != parameterCount) {
            throw new IllegalArgumentException(
                    "Parameters have shape "
                            + s
                            + " but this network needs a flat vector of "
                            + parameterCount
                            + "; create them with initialParameters.");
        }
        if (t != DataType.FLOAT32 && t != DataType.FLOAT64) {
            throw new IllegalArgumentException(
                    "Parameters are " + t + "; convert them to float32 or float64.");
        }
    }

    private void checkInput(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != inputShape.dimension() + 1
                || !s.slice(1).equals(inputShape)
                || s.get(0) < 1) {
            throw new IllegalArgumentException(
                    "Input batch has shape "
                            + s
                            + " but this network takes (B, "
                            + inputShape.toString().replaceAll("[()]", "")
                            + ") with B >= 1.");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential ").append(inputShape).append('\n');
        for (Entry e : entries) {
            sb.append(
                    String.format(
                            "  %-10s %-24s -> %-16s %,d params%n",
                            e.name(), e.layer(), e.outputShape(), e.parameterCount()));
        }
        return sb.append(String.format("  total %,d parameters", parameterCount)).toString();
    }

    /** Collects layers; names default to the layer's kind plus a counter per kind. */
    public static final class Builder {

        private final Shape inputShape;
        private final List<String> names = new ArrayList<>();
        private final List<Layer> layers = new ArrayList<>();

        private Builder(Shape inputShape) {
            this.inputShape = Objects.requireNonNull(inputShape, "inputShape");
        }

        /** Appends {@code layer}, named {@code <kind><n>} (e.g. {@code conv2}). */
        public Builder add(Layer layer) {
            return add(null, layer);
        }

        /** Appends {@code layer} under {@code name}, or a default name when {@code null}. */
        public Builder add(String name, Layer layer) {
            names.add(name);
            layers.add(Objects.requireNonNull(layer, "layer"));
            return this;
        }

        /** Appends every layer of {@code more}, with default names. */
        public Builder addAll(List<? extends Layer> more) {
            more.forEach(this::add);
            return this;
        }

        /**
         * Resolves shapes, names and parameter ranges.
         *
         * @throws IllegalArgumentException if a layer cannot take its input shape or names clash
         */
        public Sequential build() {
            if (inputShape.dimension() == 0 || inputShape.size() < 1) {
                throw new IllegalArgumentException(
                        "Input shape " + inputShape + " is empty; give one sample's shape.");
            }
            Map<String, Integer> counters = new HashMap<>();
            Set<String> explicit = new HashSet<>();
            for (String n : names) {
                if (n != null && !explicit.add(n)) {
                    throw new IllegalArgumentException("Layer name '" + n + "' is used twice.");
                }
            }
            Set<String> used = new HashSet<>();
            List<Entry> entries = new ArrayList<>();
            Shape shape = inputShape;
            long offset = 0;
            for (int i = 0; i < layers.size(); i++) {
                Layer layer = layers.get(i);
                String name = names.get(i);
                if (name == null) {
                    do {
                        int n = counters.merge(layer.kind(), 1, Integer::sum);
                        name = layer.kind() + n;
                    } while (explicit.contains(name) || used.contains(name));
                } else if (name.isBlank() || name.contains(".")) {
                    throw new IllegalArgumentException(
                            "Layer name '" + name + "' must be non-blank and contain no '.'.");
                }
                used.add(name);
                Shape out;
                try {
                    out = layer.outputShape(shape);
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(
                            "Layer "
                                    + (i + 1)
                                    + " '"
                                    + name
                                    + "' ("
                                    + layer
                                    + ") cannot take"
                                    + " input "
                                    + shape
                                    + ": "
                                    + ex.getMessage(),
                            ex);
                }
                long count = layer.parameterCount(shape);
                entries.add(new Entry(name, layer, shape, out, offset, count));
                offset += count;
                shape = out;
            }
            return new Sequential(inputShape, entries);
        }
    }
}

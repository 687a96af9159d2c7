package org.metaforge.sdk.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A residual block: a main path and a shortcut path, each a chain of layers, whose outputs are
 * added.
 *
 * <p>{@code y = main(x) + shortcut(b)}, where the branch point {@code b} is the block input {@code
 * x} by default, or the main path's value after its first {@code k} layers with {@link
 * #shortcutAfter(int)} (pre-activation blocks whose projection shortcut shares the first batch-norm
 * and ReLU). An empty shortcut is the identity. Both paths must end in the same shape.
 *
 * <p>Parts are named like {@link Sequential} names layers, kind plus a counter per kind: main path
 * {@code bn1, relu1, conv1, bn2, ...}, shortcut {@code shortcut_conv1, ...}. A part of the block
 * named {@code block} keeps its buffers under {@code block.<part>.<buffer>}, e.g. {@code
 * block.bn1.running_mean}. Parameters: the main path's parts in order, then the shortcut's.
 * Immutable and thread-safe.
 */
public final class Residual implements Layer {

    /** Prefix of the shortcut's part names. */
    public static final String SHORTCUT = "shortcut_";

    private final List<Layer> main;
    private final List<Layer> shortcut;
    private final int branchAfter;

    private Residual(List<? extends Layer> main, List<? extends Layer> shortcut, int branchAfter) {
        this.main = List.copyOf(main);
        this.shortcut = List.copyOf(shortcut);
        if (branchAfter < 0 || branchAfter > this.main.size()) {
            throw new IllegalArgumentException(
                    "The shortcut can branch off after 0 to "
                            + this.main.size()
                            + " main-path layers, got "
                            + branchAfter
                            + ".");
        }
        this.branchAfter = branchAfter;
    }

    /**
     * A block {@code y = main(x) + shortcut(x)}.
     *
     * @param main the main path, in order; may be empty
     * @param shortcut the shortcut path, in order; empty for the identity
     */
    public static Residual of(List<? extends Layer> main, List<? extends Layer> shortcut) {
        Objects.requireNonNull(main, "main").forEach(l -> Objects.requireNonNull(l, "main layer"));
        Objects.requireNonNull(shortcut, "shortcut")
                .forEach(l -> Objects.requireNonNull(l, "shortcut layer"));
        return new Residual(main, shortcut, 0);
    }

    /**
     * The same block with the shortcut applied to the main path's value after its first {@code
     * mainLayers} layers instead of to the block input.
     *
     * @throws IllegalArgumentException unless {@code 0 <= mainLayers <=} the main path's length
     */
    public Residual shortcutAfter(int mainLayers) {
        return new Residual(main, shortcut, mainLayers);
    }

    /** The main path's layers. */
    public List<Layer> main() {
        return main;
    }

    /** The shortcut's layers, empty for the identity. */
    public List<Layer> shortcut() {
        return shortcut;
    }

    /** Number of main-path layers before the shortcut branches off (0: the block input). */
    public int branchAfter() {
        return branchAfter;
    }

    @Override
    public String kind() {
        return "residual";
    }

    /**
     * The block's parts for a per-sample {@code input}: main path first, then the shortcut, each
     * with its name within the block, shapes, and parameter offset counted from the block's first
     * parameter.
     *
     * @throws IllegalArgumentException if a part cannot take its input or the paths' outputs differ
     */
    public List<Sequential.Entry> parts(Shape input) {
        List<Sequential.Entry> parts = new ArrayList<>(main.size() + shortcut.size());
        Map<String, Integer> counters = new HashMap<>();
        long offset = 0;
        Shape shape = input;
        Shape branch = input;
        for (int i = 0; i < main.size(); i++) {
            Sequential.Entry e = resolve(main.get(i), "", shape, offset, counters);
            parts.add(e);
            offset += e.parameterCount();
            shape = e.outputShape();
            if (i + 1 == branchAfter) {
                branch = shape;
            }
        }
        Shape mainOut = shape;
        shape = branch;
        for (Layer layer : shortcut) {
            Sequential.Entry e = resolve(layer, SHORTCUT, shape, offset, counters);
            parts.add(e);
            offset += e.parameterCount();
            shape = e.outputShape();
        }
        if (!mainOut.equals(shape)) {
            throw new IllegalArgumentException(
                    "the main path outputs "
                            + mainOut
                            + " but the shortcut outputs "
                            + shape
                            + "; add a projection to the shortcut.");
        }
        return parts;
    }

    private static Sequential.Entry resolve(
            Layer layer, String prefix, Shape input, long offset, Map<String, Integer> counters) {
        String name =
                prefix + layer.kind() + counters.merge(prefix + layer.kind(), 1, Integer::sum);
        Shape out;
        try {
            out = layer.outputShape(input);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(
                    "part '"
                            + name
                            + "' ("
                            + layer
                            + ") cannot take "
                            + input
                            + ": "
                            + ex.getMessage(),
                    ex);
        }
        return new Sequential.Entry(name, layer, input, out, offset, layer.parameterCount(input));
    }

    @Override
    public Shape outputShape(Shape input) {
        List<Sequential.Entry> parts = parts(input);
        return main.isEmpty() ? input : parts.get(main.size() - 1).outputShape();
    }

    @Override
    public long parameterCount(Shape input) {
        long total = 0;
        for (Sequential.Entry e : parts(input)) {
            total += e.parameterCount();
        }
        return total;
    }

    @Override
    public void initialize(Shape input, ParameterInit init) {
        for (Sequential.Entry e : parts(input)) {
            e.layer().initialize(e.inputShape(), init);
        }
    }

    @Override
    public void initializeState(String name, Shape input, ModelState state, NDManager manager) {
        for (Sequential.Entry e : parts(input)) {
            e.layer().initializeState(name + "." + e.name(), e.inputShape(), state, manager);
        }
    }

    @Override
    public NDArray forward(NDArray x, LayerContext ctx) {
        List<Sequential.Entry> parts = parts(ctx.inputShape());
        NDArray h = x;
        NDArray branch = x;
        for (int i = 0; i < main.size(); i++) {
            h = apply(parts.get(i), h, ctx);
            if (i + 1 == branchAfter) {
                branch = h;
            }
        }
        NDArray s = branch;
        for (int i = main.size(); i < parts.size(); i++) {
            s = apply(parts.get(i), s, ctx);
        }
        return h.add(s);
    }

    private static NDArray apply(Sequential.Entry part, NDArray x, LayerContext ctx) {
        LayerContext child =
                ctx.child(part.name(), part.inputShape(), part.offset(), part.parameterCount());
        return part.layer().forward(x, child);
    }

    @Override
    public String toString() {
        return "Residual(main="
                + main
                + ", shortcut="
                + (shortcut.isEmpty() ? "identity" : shortcut.toString())
                + (branchAfter == 0 ? "" : ", branching after " + branchAfter)
                + ")";
    }
}

package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResidualTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** A pre-activation block with a strided projection shortcut after bn1 and relu1. */
    private static Residual projectionBlock() {
        return Residual.of(
                        List.of(
                                BatchNorm.of(),
                                Activations.relu(),
                                Conv2d.of(3, 3).stride(2).padding(1).noBias(),
                                BatchNorm.of(),
                                Activations.relu(),
                                Conv2d.of(3, 3).padding(1).noBias()),
                        List.of(Conv2d.of(3, 1).stride(2).noBias()))
                .shortcutAfter(2);
    }

    /** Oracle: {@code y = W x + b + x} written out by hand, float64, tolerance 1e-12. */
    @Test
    void identityShortcutAddsTheInput() {
        Sequential model =
                Arrays64.single(new Shape(3), Residual.of(List.of(Linear.of(3)), List.of()));
        assertEquals(12, model.parameterCount());
        double[] w = Arrays64.random(1, 12);
        double[] x = Arrays64.random(2, 2 * 3);
        double[] expected = new double[6];
        for (int b = 0; b < 2; b++) {
            for (int o = 0; o < 3; o++) {
                double s = w[9 + o] + x[b * 3 + o];
                for (int i = 0; i < 3; i++) {
                    s += w[o * 3 + i] * x[b * 3 + i];
                }
                expected[b * 3 + o] = s;
            }
        }
        NDArray y =
                model.forward(
                        manager.create(w),
                        manager.create(x, new Shape(2, 3)),
                        model.newState(manager),
                        true);
        Arrays64.assertClose(expected, y, 1e-12);
    }

    /**
     * Oracle: the main path and the shortcut (with its shared bn1, relu1) built as two separate
     * chains from the same parameters, added; training-mode batch norm, float64, tolerance 1e-12.
     */
    @Test
    void branchedShortcutEqualsTheSumOfItsPaths() {
        Shape in = new Shape(2, 6, 6);
        Residual block = projectionBlock();
        Sequential model = Sequential.builder(in).add("block", block).build();
        List<Sequential.Entry> parts = block.parts(in);
        assertEquals(
                List.of("bn1", "relu1", "conv1", "bn2", "relu2", "conv2", "shortcut_conv1"),
                parts.stream().map(Sequential.Entry::name).toList());
        assertEquals(new Shape(3, 3, 3), model.outputShape());
        // bn1 4 + conv1 3*2*9 + bn2 6 + conv2 3*3*9 + shortcut 3*2
        assertEquals(4 + 54 + 6 + 81 + 6, model.parameterCount());

        double[] w = Arrays64.random(3, (int) model.parameterCount());
        double[] x = Arrays64.random(4, 4 * 2 * 6 * 6);
        NDArray xs = manager.create(x, new Shape(4, 2, 6, 6));
        Sequential mainPath = Sequential.builder(in).addAll(block.main()).build();
        Sequential shortcutPath =
                Sequential.builder(in)
                        .add(BatchNorm.of())
                        .add(Activations.relu())
                        .add(Conv2d.of(3, 1).stride(2).noBias())
                        .build();
        double[] mainParams = Arrays.copyOfRange(w, 0, 145);
        double[] shortcutParams = new double[4 + 6];
        System.arraycopy(w, 0, shortcutParams, 0, 4);
        System.arraycopy(w, 145, shortcutParams, 4, 6);
        double[] expectedMain =
                Arrays64.values(
                        mainPath.forward(
                                manager.create(mainParams), xs, mainPath.newState(manager), true));
        double[] expectedShortcut =
                Arrays64.values(
                        shortcutPath.forward(
                                manager.create(shortcutParams),
                                xs,
                                shortcutPath.newState(manager),
                                true));
        double[] expected = new double[expectedMain.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = expectedMain[i] + expectedShortcut[i];
        }
        NDArray y = model.forward(manager.create(w), xs, model.newState(manager), true);
        Arrays64.assertClose(expected, y, 1e-12);
    }

    /** Oracle: the naming rule {@code <block>.<part>.<buffer>} and the BatchNorm update rule. */
    @Test
    void keepsPartBuffersUnderTheBlockName() {
        Shape in = new Shape(2, 4, 4);
        Sequential model = Sequential.builder(in).add("block", projectionBlock()).build();
        ModelState state = model.newState(manager);
        List<String> names = new ArrayList<>();
        state.names().forEach(names::add);
        assertEquals(
                List.of(
                        "block.bn1.running_mean",
                        "block.bn1.running_var",
                        "block.bn2.running_mean",
                        "block.bn2.running_var"),
                names);
        NDArray x = manager.randomUniform(1, 2, new Shape(3, 2, 4, 4));
        model.forward(model.initialParameters(manager, 1), x, state, true);
        double[] mean = Arrays64.values(state.get("block.bn1.running_mean"));
        // The inputs lie in [1, 2): the running mean moves to 0.1 * batch mean in (0.1, 0.2).
        for (double m : mean) {
            assertTrue(m > 0.1 && m < 0.2, "running mean " + m);
        }
        assertFalse(
                Arrays.equals(new double[3], Arrays64.values(state.get("block.bn2.running_var"))));
    }

    @Test
    void rejectsPathsOfDifferentShapesAndBadBranchPoints() {
        Residual widening = Residual.of(List.of(Conv2d.of(3, 3).padding(1)), List.of());
        IllegalArgumentException shape =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Sequential.builder(new Shape(2, 4, 4)).add("b", widening).build());
        assertTrue(shape.getMessage().contains("'b'"), shape.getMessage());
        assertTrue(shape.getMessage().contains("add a projection"), shape.getMessage());

        IllegalArgumentException branch =
                assertThrows(IllegalArgumentException.class, () -> widening.shortcutAfter(2));
        assertTrue(branch.getMessage().contains("0 to 1"), branch.getMessage());

        IllegalArgumentException part =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Arrays64.single(
                                        new Shape(4),
                                        Residual.of(List.of(Conv2d.of(4, 1)), List.of())));
        assertTrue(part.getMessage().contains("part 'conv1'"), part.getMessage());
    }
}

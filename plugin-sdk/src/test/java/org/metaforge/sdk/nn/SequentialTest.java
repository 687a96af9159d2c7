package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SequentialTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /**
     * Oracle: the hand count 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706 (PyTorch's LeNet-5), plus
     * 2 x (6 + 16) batch-norm parameters.
     */
    @Test
    void lenetHasTheClassicParameterCount() {
        Sequential plain = LeNet5.create(10, false);
        assertEquals(61_706, plain.parameterCount());
        assertEquals(new Shape(10), plain.outputShape());
        assertEquals(61_750, LeNet5.create(10, true).parameterCount());
        assertEquals(
                List.of(156L, 0L, 0L, 2_416L, 0L, 0L, 0L, 48_120L, 0L, 10_164L, 0L, 850L),
                plain.layers().stream().map(Sequential.Entry::parameterCount).toList());
        assertEquals(new Shape(16, 5, 5), plain.layers().get(6).inputShape());
    }

    /**
     * Oracle, width 2 (12, 32, 240, 168): 12 x 26 = 312; 32 x (12 x 25 + 1) = 9,632; 800 x 240 +
     * 240 = 192,240; 240 x 168 + 168 = 40,488; 168 x 10 + 10 = 1,690; total 244,362. Width 0.5
     * rounds 6, 16, 120, 84 to 3, 8, 60, 42: 78 + 608 + 12,060 + 2,562 + 430 = 15,738.
     */
    @Test
    void lenetWidthScalesEveryHiddenLayer() {
        Sequential wide = LeNet5.create(LeNet5.MNIST_INPUT, 10, false, 2);
        assertEquals(
                List.of(312L, 0L, 0L, 9_632L, 0L, 0L, 0L, 192_240L, 0L, 40_488L, 0L, 1_690L),
                wide.layers().stream().map(Sequential.Entry::parameterCount).toList());
        assertEquals(244_362, wide.parameterCount());
        // the pooling outputs keep their spatial sizes, so attention maps still line up
        assertEquals(new Shape(32, 5, 5), wide.layers().get(6).inputShape());
        assertEquals(15_738, LeNet5.create(LeNet5.MNIST_INPUT, 10, false, 0.5).parameterCount());
        assertEquals(
                61_706,
                Network.LENET
                        .build(LeNet5.MNIST_INPUT, 10, List.of(), false, 16, 1, 1)
                        .parameterCount());
        assertThrows(
                IllegalArgumentException.class,
                () -> LeNet5.create(LeNet5.MNIST_INPUT, 10, false, 0));
    }

    /** Oracle: names given in LeNet5 and per-kind counters elsewhere. */
    @Test
    void namesLayersByKindWithCounters() {
        Sequential lenet = LeNet5.create(10, true);
        assertEquals(
                List.of(
                        "conv1",
                        "bn1",
                        "relu1",
                        "maxpool1",
                        "conv2",
                        "bn2",
                        "relu2",
                        "maxpool2",
                        "flatten1",
                        "fc1",
                        "relu3",
                        "fc2",
                        "relu4",
                        "fc3"),
                lenet.layers().stream().map(Sequential.Entry::name).toList());
        ModelState state = lenet.newState(manager);
        List<String> names = new java.util.ArrayList<>();
        state.names().forEach(names::add);
        assertEquals(
                List.of(
                        "bn1.running_mean",
                        "bn1.running_var",
                        "bn2.running_mean",
                        "bn2.running_var"),
                names);
        Arrays64.assertClose(new double[] {1, 1, 1, 1, 1, 1}, state.get("bn1.running_var"), 0);
        Arrays64.assertClose(new double[6], state.get("bn1.running_mean"), 0);
    }

    @Test
    void initialisationIsDeterministicInTheSeed() {
        Sequential model = LeNet5.create(10, true);
        double[] a = Arrays64.values(model.initialParameters(manager, 99));
        double[] b = Arrays64.values(model.initialParameters(manager, 99));
        double[] c = Arrays64.values(model.initialParameters(manager, 100));
        assertTrue(Arrays.equals(a, b), "same seed, different parameters");
        assertFalse(Arrays.equals(a, c), "different seeds, same parameters");
        assertEquals(DataType.FLOAT32, model.initialParameters(manager, 1).getDataType());
    }

    /**
     * Oracle: PyTorch's default bounds per layer: 1/sqrt(25) for conv1, 1/sqrt(150) for conv2,
     * 1/sqrt(400), 1/sqrt(120), 1/sqrt(84) for fc1..fc3; batch norm exactly (1, 0).
     */
    @Test
    void lenetInitialisationFollowsPytorchDefaults() {
        Sequential model = LeNet5.create(10, true);
        double[] p = Arrays64.values(model.initialParameters(manager, 5));
        for (Sequential.Entry e : model.layers()) {
            int from = (int) e.offset();
            int to = (int) (e.offset() + e.parameterCount());
            if (e.layer() instanceof BatchNorm) {
                int half = (int) (e.parameterCount() / 2);
                for (int i = from; i < to; i++) {
                    assertEquals(i < from + half ? 1.0 : 0.0, p[i], e.name());
                }
            } else if (e.parameterCount() > 0) {
                long fanIn =
                        e.layer() instanceof Conv2d
                                ? e.inputShape().get(0) * 25
                                : e.inputShape().get(0);
                double bound = 1 / Math.sqrt(fanIn);
                double max = 0;
                for (int i = from; i < to; i++) {
                    assertTrue(Math.abs(p[i]) <= bound * (1 + 1e-6), e.name() + " " + p[i]);
                    max = Math.max(max, Math.abs(p[i]));
                }
                assertTrue(max > 0.9 * bound, e.name() + " spread " + max + " of " + bound);
            }
        }
    }

    /** Output shape from shape propagation must match the computed output. */
    @Test
    void forwardFollowsTheParametersDataType() {
        Sequential model = LeNet5.create(new Shape(3, 32, 32), 7, true);
        assertEquals(16 * 6 * 6, model.layers().get(9).inputShape().get(0));
        NDArray x32 = manager.randomUniform(-1, 1, new Shape(2, 3, 32, 32));
        NDArray p32 = model.initialParameters(manager, 1);
        ModelState state = model.newState(manager);
        NDArray y32 = model.forward(p32, x32, state, true);
        assertEquals(new Shape(2, 7), y32.getShape());
        assertEquals(DataType.FLOAT32, y32.getDataType());
        NDArray y64 = model.forward(p32.toType(DataType.FLOAT64, true), x32, state, false);
        assertEquals(DataType.FLOAT64, y64.getDataType());
        assertEquals(DataType.FLOAT32, state.get("bn2.running_mean").getDataType());
    }

    /** Nothing of a forward pass may stay on the input's or the state's manager. */
    @Test
    void forwardCreatesArraysOnlyOnTheParametersManager() {
        Sequential model = LeNet5.create(10, true);
        try (NDManager data = manager.newSubManager();
                NDManager stateManager = manager.newSubManager();
                NDManager step = manager.newSubManager()) {
            NDArray x = data.randomUniform(0, 1, new Shape(2, 1, 28, 28), DataType.FLOAT64);
            ModelState state = model.newState(stateManager);
            int dataBefore = data.getManagedArrays().size();
            int stateBefore = stateManager.getManagedArrays().size();
            NDArray params = model.initialParameters(step, 3);
            for (boolean training : new boolean[] {true, true, false}) {
                model.forward(params, x, state, training);
            }
            assertEquals(dataBefore, data.getManagedArrays().size());
            assertEquals(stateBefore, stateManager.getManagedArrays().size());
            assertTrue(step.getManagedArrays().size() > 1);
        }
    }

    @Test
    void rejectsWrongParameterLengthAndInputShape() {
        Sequential model = Mlp.create(new Shape(4), List.of(3), Activations.relu(), 2);
        NDArray x = manager.zeros(new Shape(2, 4));
        ModelState state = model.newState(manager);
        IllegalArgumentException bad =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> model.forward(manager.zeros(new Shape(5)), x, state, true));
        assertTrue(bad.getMessage().contains("flat vector of 23"), bad.getMessage());
        NDArray params = model.initialParameters(manager, 0);
        IllegalArgumentException shape =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> model.forward(params, manager.zeros(new Shape(2, 5)), state, true));
        assertTrue(shape.getMessage().contains("(B, 4)"), shape.getMessage());
    }

    @Test
    void rejectsIncompatibleLayersNamingThem() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Sequential.builder(new Shape(1, 4, 4))
                                        .add(Conv2d.of(2, 3))
                                        .add("head", MaxPool2d.of(3))
                                        .build());
        assertTrue(e.getMessage().contains("'head'"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        Sequential.builder(new Shape(4))
                                .add("a", Linear.of(2))
                                .add("a", Linear.of(2))
                                .build());
    }

    @Test
    void missingStateIsReportedWithTheFix() {
        Sequential model = Arrays64.single(new Shape(3), BatchNorm.of());
        NDArray params = model.initialParameters(manager, 0);
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () ->
                                model.forward(
                                        params,
                                        manager.zeros(new Shape(2, 3)),
                                        new ModelState(),
                                        false));
        assertTrue(e.getMessage().contains("newState"), e.getMessage());
    }
}

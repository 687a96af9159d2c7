package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Oracle for every test: values worked out by hand on a 4x4 image; tolerance 1e-12. */
class PoolingTest {

    private static final double[] IMAGE = {
        1, 5, 2, 0,
        3, 4, 8, 1,
        -1, 0, 6, 7,
        2, 9, 3, -2
    };

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray run(Layer layer, double[] image, Shape sample) {
        Sequential model = Arrays64.single(sample, layer);
        NDArray params =
                manager.zeros(
                        new Shape(model.parameterCount()), ai.djl.ndarray.types.DataType.FLOAT64);
        NDArray y =
                model.forward(
                        params,
                        manager.create(image, new Shape(1).addAll(sample)),
                        model.newState(manager),
                        true);
        assertEquals(new Shape(1).addAll(model.outputShape()), y.getShape());
        return y;
    }

    @Test
    void maxPoolTakesWindowMaxima() {
        Shape s = new Shape(1, 4, 4);
        Arrays64.assertClose(new double[] {5, 8, 9, 7}, run(MaxPool2d.of(2), IMAGE, s), 1e-12);
        Arrays64.assertClose(
                new double[] {8, 8, 9, 9}, run(MaxPool2d.of(3).stride(1), IMAGE, s), 1e-12);
    }

    @Test
    void maxPoolPaddingNeverWins() {
        Arrays64.assertClose(
                new double[] {1, 5, 0, 3, 8, 7, 2, 9, -2},
                run(MaxPool2d.of(2).padding(1), IMAGE, new Shape(1, 4, 4)),
                1e-12);
    }

    @Test
    void avgPoolAveragesWindows() {
        Arrays64.assertClose(
                new double[] {3.25, 2.75, 2.5, 3.5},
                run(AvgPool2d.of(2), IMAGE, new Shape(1, 4, 4)),
                1e-12);
    }

    @Test
    void avgPoolCountsPaddingZeros() {
        Arrays64.assertClose(
                new double[] {0.25, 1.75, 0, 0.5, 4.5, 2, 0.5, 3, -0.5},
                run(AvgPool2d.of(2).padding(1), IMAGE, new Shape(1, 4, 4)),
                1e-12);
    }

    @Test
    void globalAvgPoolAveragesEachChannel() {
        double[] image = {1, 2, 3, 4, -1, 0, 5, 8};
        NDArray y = run(GlobalAvgPool.of(), image, new Shape(2, 2, 2));
        Arrays64.assertClose(new double[] {2.5, 3}, y, 1e-12);
    }

    @Test
    void flattenKeepsRowMajorOrder() {
        double[] image = {1, 2, 3, 4, -1, 0, 5, 8};
        Arrays64.assertClose(image, run(Flatten.of(), image, new Shape(2, 2, 2)), 0);
    }

    @Test
    void upsampleCopiesEachPixelIntoABlock() {
        double[] image = {1, 2, 3, 4, 5, 6};
        double[] expected = {
            1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4, 5, 5, 6, 6, 5, 5, 6, 6
        };
        Arrays64.assertClose(expected, run(Upsample.nearest(2), image, new Shape(1, 3, 2)), 0);
    }

    /** Oracle: the gradient of sum(r * up(x)) at each pixel is the sum of r over its 2x2 block. */
    @Test
    void upsampleGradientSumsEachBlock() {
        Sequential model = Arrays64.single(new Shape(2, 2, 3), Upsample.nearest(2));
        double[] r = Arrays64.random(4, 2 * 2 * 4 * 6);
        double[] expected = new double[2 * 2 * 2 * 3];
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 6; j++) {
                        expected[((b * 2 + c) * 2 + i / 2) * 3 + j / 2] +=
                                r[((b * 2 + c) * 4 + i) * 6 + j];
                    }
                }
            }
        }
        NDArray x = manager.create(Arrays64.random(5, expected.length), new Shape(2, 2, 2, 3));
        NDArray params = manager.zeros(new Shape(0), ai.djl.ndarray.types.DataType.FLOAT64);
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = model.forward(params, x, model.newState(manager), true);
            gc.backward(y.mul(manager.create(r, y.getShape())).sum());
        }
        Arrays64.assertClose(expected, x.getGradient(), 1e-12);
    }
}

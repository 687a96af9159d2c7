package org.metaforge.sdk.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Scalars inside a recorded graph must outlive the garbage collector. DJL's {@code x.div(2.0)}
 * wraps the 2.0 in a direct buffer that only the Java object it closes right away keeps alive; the
 * graph saves the scalar for the backward pass, so after a collection the backward pass read freed
 * memory (NaN gradients in long runs of batch-normalised networks). Each case records a graph,
 * forces collections while filling fresh direct memory with NaN, then checks the gradient against
 * its closed form.
 */
class ScalarLifetimeTest {

    @Test
    void theMeanOfNormalisationLayersSurvivesACollectionBeforeBackward() {
        // d/dx sum(mean over axis 0 of x) = 1 / rows for every entry
        double[] expected = new double[64 * 8];
        java.util.Arrays.fill(expected, 1.0 / 64);
        assertArrayEquals(
                expected,
                gradientAfterCollections(
                        new Shape(64, 8), x -> Normalization.mean(x, new int[] {0}, false).sum()),
                1e-12);
    }

    @Test
    void leakyReluSurvivesACollectionBeforeBackward() {
        Layer leaky = Activations.leakyRelu(0.25);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray probe = m.create(new double[] {-1.5, 2.0, -0.5, 3.0}, new Shape(2, 2));
            double[] expected = {0.25, 1.0, 0.25, 1.0};
            assertArrayEquals(
                    expected,
                    gradientAfterCollections(probe, x -> leaky.forward(x, null).sum()),
                    1e-12);
        }
    }

    private static double[] gradientAfterCollections(Shape shape, UnaryOperator<NDArray> f) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1, 1, shape, DataType.FLOAT64);
            return gradientAfterCollections(x, f);
        }
    }

    private static double[] gradientAfterCollections(NDArray x, UnaryOperator<NDArray> f) {
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = f.apply(x);
            pressure();
            gc.backward(y);
        }
        return x.getGradient().toDoubleArray();
    }

    /** Collections, then fresh direct buffers full of NaN where freed ones were. */
    private static void pressure() {
        List<ByteBuffer> junk = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(8);
                b.putDouble(0, Double.NaN);
                junk.add(b);
            }
        }
    }
}

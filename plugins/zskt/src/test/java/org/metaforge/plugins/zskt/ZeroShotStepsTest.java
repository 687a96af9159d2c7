package org.metaforge.plugins.zskt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;

/**
 * The generator's shape and gradient flow, and both objectives' gradients against central finite
 * differences in float64 (step 1e-6, relative tolerance 1e-5 on the largest components).
 */
class ZeroShotStepsTest {

    private static final int Z = 8;

    @Test
    void generatorMakesImagesOfTheTeachersShape() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Shape image : new Shape[] {new Shape(1, 28, 28), new Shape(3, 32, 32)}) {
                Sequential g = Generator.create(100, image);
                NDArray z = ZeroShotDistiller.noise(m, 3, 100, 1);
                NDArray x = g.forward(g.initialParameters(m, 1), z, g.newState(m), true);
                assertEquals(new Shape(3).addAll(image), x.getShape());
            }
        }
    }

    /** Hand-computed: channel 0 is {@code 1 * 2 + 0.5}, channel 1 is {@code 2 * 3 - 1}. */
    @Test
    void pixelScaleMapsEachChannel() {
        try (NDManager m = NDManager.newBaseManager()) {
            PixelScale p = new PixelScale(new double[] {0.5, -1}, new double[] {2, 3});
            NDArray x = m.create(new double[] {1, 2}, new Shape(1, 2, 1, 1));
            NDArray y = p.forward(x, null);
            assertArrayEquals(new double[] {2.5, 5}, y.toDoubleArray(), 0);
            assertTrue(new PixelScale(new double[] {0, 0}, new double[] {1, 1}).identity());
            assertFalse(p.identity());
        }
    }

    /**
     * With a pixel scale the generator is the paper's generator followed by {@code x * std + mean}:
     * same parameters, outputs equal to the plain generator's mapped channel by channel (float64,
     * same weights and noise), and, since the last batch-norm (gamma 1, beta 0 at initialisation)
     * centres each channel over the batch in training mode, each channel's batch mean is its {@code
     * mean}. The identity scale adds no layer.
     */
    @Test
    void generatorWithAPixelScaleIsThePapersGeneratorMappedToPixels() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape image = new Shape(3, 8, 8);
            double[] mean = {0.3, -1, 2};
            double[] std = {0.35, 2, 0.5};
            Sequential plain = Generator.create(Z, image);
            Sequential scaled = Generator.create(Z, image, new PixelScale(mean, std));
            assertEquals(plain.parameterCount(), scaled.parameterCount());
            assertEquals(plain.layers().size() + 1, scaled.layers().size());
            assertEquals(
                    plain.layers().size(),
                    Generator.create(
                                    Z,
                                    image,
                                    new PixelScale(new double[] {0, 0, 0}, new double[] {1, 1, 1}))
                            .layers()
                            .size());
            NDArray w = plain.initialParameters(m, 2).toType(DataType.FLOAT64, false);
            NDArray z = ZeroShotDistiller.noise(m, 16, Z, 3).toType(DataType.FLOAT64, false);
            NDArray a = plain.forward(w, z, plain.newState(m), true);
            NDArray b = scaled.forward(w, z, scaled.newState(m), true);
            for (int c = 0; c < 3; c++) {
                NDArray ac = a.get(new NDIndex(":, {}", c));
                NDArray bc = b.get(new NDIndex(":, {}", c));
                double diff = bc.sub(ac.mul(std[c]).add(mean[c])).abs().max().getDouble();
                assertEquals(0, diff, 1e-12);
                assertEquals(mean[c], bc.mean().getDouble(), 1e-9);
            }
        }
    }

    @Test
    void gradientsOfBothObjectivesMatchFiniteDifferences() {
        Autodiff ad = new FirstOrderAutodiff();
        try (NDManager m = NDManager.newBaseManager()) {
            Sequential g = Generator.create(Z, Fixtures.IMAGE);
            NDArray gw = g.initialParameters(m, 3).toType(DataType.FLOAT64, false);
            ModelState gState = g.newState(m);
            Teacher teacher = Fixtures.teacher(m, 4, true);
            Net student = Fixtures.lenet();
            NDArray sw = student.model().initialParameters(m, 5).toType(DataType.FLOAT64, false);
            ModelState sState = student.model().newState(m);
            NDArray z = ZeroShotDistiller.noise(m, 6, Z, 7).toType(DataType.FLOAT64, false);

            Function<NDArray, NDArray> genLoss =
                    w ->
                            ZeroShotSteps.generatorLoss(
                                    g, w, gState, z, teacher, teacher.w(), student, sw, sState, 2);
            NDArray gGrad = check(ad, genLoss, gw);
            // the gradient reaches the first and the last layer of the generator
            long fc = g.layers().get(0).parameterCount();
            Sequential.Entry last = g.layers().get(g.layers().size() - 1);
            assertTrue(nonZero(gGrad.get(new NDIndex("0:{}", fc))));
            assertTrue(nonZero(gGrad.get(new NDIndex("{}:", last.offset()))));

            NDArray x = g.forward(gw, z, gState, true);
            NDList t = teacher.net().forward(teacher.w(), x, teacher.state(), false);
            Function<NDArray, NDArray> studentLoss =
                    w -> ZeroShotSteps.studentLoss(student, w, sState, x, t, 2, 250);
            check(ad, studentLoss, sw);
        }
    }

    private static boolean nonZero(NDArray a) {
        return a.abs().max().getDouble() > 0;
    }

    /** Compares the gradient with central differences on its 6 largest and 4 spread entries. */
    private static NDArray check(Autodiff ad, Function<NDArray, NDArray> f, NDArray w) {
        NDArray grad;
        try (Autodiff.Tape tape = ad.tape()) {
            NDArray wr = ad.requireGradient(w);
            grad = ad.gradient(f.apply(wr), new NDList(wr), false).get(0);
        }
        double[] g = grad.toDoubleArray();
        long[] order = grad.abs().argSort().toLongArray();
        int n = g.length;
        int[] probe = {
            (int) order[n - 1], (int) order[n - 2], (int) order[n - 3], (int) order[n - 4],
            (int) order[n - 5], (int) order[n - 6], (int) order[n / 2], (int) order[3 * n / 4],
            (int) order[7 * n / 8], (int) order[15 * n / 16]
        };
        double scale = Math.abs(g[probe[0]]);
        assertTrue(scale > 0, "the gradient is zero");
        double eps = 1e-6;
        for (int i : probe) {
            double[] v = w.toDoubleArray();
            v[i] += eps;
            double up = f.apply(w.getManager().create(v)).getDouble();
            v[i] -= 2 * eps;
            double down = f.apply(w.getManager().create(v)).getDouble();
            double fd = (up - down) / (2 * eps);
            assertEquals(fd, g[i], 1e-5 * scale, "entry " + i);
        }
        return grad;
    }
}

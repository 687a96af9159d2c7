package org.metaforge.plugins.solvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.metaforge.plugins.solvers.Fixtures.affine;
import static org.metaforge.plugins.solvers.Fixtures.affineFixedPoint;
import static org.metaforge.plugins.solvers.Fixtures.maxError;
import static org.metaforge.plugins.solvers.Fixtures.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.Solver;
import org.metaforge.sdk.solver.FixedPointResult;

/** Every solver against fixed points known in closed form or solved on the host in float64. */
class ConvergenceTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Tight tolerances: the error is at most ||(I - A)^-1|| = 10 times the 1e-10 residual. */
    private static Map<String, Object> tight(int maxIterations) {
        Map<String, Object> c = new HashMap<>();
        c.put("max-iterations", maxIterations);
        c.put("abs-tolerance", 1e-10);
        c.put("rel-tolerance", 1e-10);
        return c;
    }

    @Test
    void linearContractionsReachTheirFixedPointsWithin1e6() {
        Random random = new Random(11);
        int batch = 4;
        int d = 6;
        double[][] a = Fixtures.withSpectralNorm(random, d, 0.9);
        double[][] c = new double[batch][];
        double[] expected = new double[batch * d];
        for (int b = 0; b < batch; b++) {
            c[b] = Fixtures.gaussian(random, d, 1 + b);
            System.arraycopy(affineFixedPoint(a, c[b]), 0, expected, b * d, d);
        }
        UnaryOperator<NDArray> f = affine(manager, Fixtures.same(a, batch), c, DataType.FLOAT64);
        for (Solver<?> solver : Fixtures.solvers()) {
            NDArray z0 = manager.zeros(new Shape(batch, d), DataType.FLOAT64);
            FixedPointResult r = run(solver, manager, tight(2000), f, z0);
            String who = solver.name();
            assertTrue(r.converged(), who + " did not converge: " + r.evaluations());
            assertTrue(
                    maxError(r.z(), expected) < 1e-6, who + " error " + maxError(r.z(), expected));
            assertEquals(r.evaluations(), r.residuals().length, who);
            assertEquals(batch, r.sampleResiduals().length, who);
            for (int b = 0; b < batch; b++) {
                assertTrue(
                        r.sampleAbsoluteResiduals()[b] <= 1e-10 || r.sampleResiduals()[b] <= 1e-10,
                        who);
            }
        }
    }

    @Test
    void tanhMapReachesItsChosenFixedPointWithin1e6() {
        // z = 0.5 tanh(z) + c has the fixed point z* when c = z* - 0.5 tanh(z*); contraction 0.5
        Random random = new Random(12);
        Shape shape = new Shape(3, 2, 4);
        double[] star = Fixtures.gaussian(random, (int) shape.size(), 1.5);
        double[] c = new double[star.length];
        for (int i = 0; i < star.length; i++) {
            c[i] = star[i] - 0.5 * Math.tanh(star[i]);
        }
        NDArray offset = manager.create(c).reshape(shape);
        UnaryOperator<NDArray> f = z -> z.tanh().mul(0.5).add(offset);
        for (Solver<?> solver : Fixtures.solvers()) {
            NDArray z0 = manager.zeros(shape, DataType.FLOAT64);
            FixedPointResult r = run(solver, manager, tight(500), f, z0);
            assertTrue(r.converged(), solver.name());
            assertEquals(shape, r.z().getShape(), solver.name());
            assertTrue(
                    maxError(r.z(), star) < 1e-6,
                    solver.name() + " error " + maxError(r.z(), star));
        }
    }

    @Test
    void defaultsSolveAnEasyMapInFloat32() {
        Random random = new Random(13);
        Shape shape = new Shape(2, 50);
        double[] star = Fixtures.gaussian(random, (int) shape.size(), 1);
        double[] c = new double[star.length];
        for (int i = 0; i < star.length; i++) {
            c[i] = star[i] - 0.5 * Math.tanh(star[i]);
        }
        NDArray offset = manager.create(c).reshape(shape).toType(DataType.FLOAT32, false);
        UnaryOperator<NDArray> f = z -> z.tanh().mul(0.5).add(offset);
        for (Solver<?> solver : Fixtures.solvers()) {
            NDArray z0 = manager.zeros(shape, DataType.FLOAT32);
            FixedPointResult r = run(solver, manager, Map.of(), f, z0);
            assertTrue(r.converged(), solver.name() + " " + r.evaluations());
            assertTrue(r.evaluations() <= 10, solver.name());
            assertEquals(DataType.FLOAT32, r.z().getDataType(), solver.name());
            for (double rel : r.sampleResiduals()) {
                assertTrue(rel <= 5e-3, solver.name() + " relative residual " + rel);
            }
            // ||z - z*|| <= ||f(z) - z|| / (1 - 0.5) <= 2 * 5e-3 * (||f(z)|| + 1e-5), ~0.07 here
            assertTrue(maxError(r.z(), star) < 0.1, solver.name() + " " + maxError(r.z(), star));
        }
    }

    @Test
    void accelerationNeedsFarFewerEvaluationsOnASlowContraction() {
        // symmetric map with eigenvalues spread over [0, 0.99]: plain iteration converges like
        // 0.99^k
        Random random = new Random(14);
        int batch = 3;
        int d = 20;
        double[] eigenvalues = new double[d];
        for (int i = 0; i < d; i++) {
            eigenvalues[i] = 0.99 * i / (d - 1);
        }
        double[][] a = Fixtures.symmetricWithEigenvalues(random, eigenvalues);
        double[][] c = new double[batch][];
        double[] expected = new double[batch * d];
        for (int b = 0; b < batch; b++) {
            c[b] = Fixtures.gaussian(random, d, 1);
            System.arraycopy(affineFixedPoint(a, c[b]), 0, expected, b * d, d);
        }
        UnaryOperator<NDArray> f = affine(manager, Fixtures.same(a, batch), c, DataType.FLOAT64);
        Map<String, Object> config = new HashMap<>();
        config.put("max-iterations", 20000);
        // error <= ||(I - A)^-1|| = 100 times the absolute residual
        config.put("abs-tolerance", 1e-10);
        config.put("rel-tolerance", 0);
        int[] counts = new int[3];
        int i = 0;
        for (Solver<?> solver : Fixtures.solvers()) {
            NDArray z0 = manager.zeros(new Shape(batch, d), DataType.FLOAT64);
            FixedPointResult r = run(solver, manager, config, f, z0);
            assertTrue(r.converged(), solver.name());
            assertTrue(
                    maxError(r.z(), expected) < 1e-6,
                    solver.name() + " " + maxError(r.z(), expected));
            counts[i++] = r.evaluations();
        }
        assertTrue(counts[0] > 1000, "plain iteration should be slow here: " + counts[0]);
        assertTrue(counts[1] * 10 < counts[0], "Anderson " + counts[1] + " vs plain " + counts[0]);
        assertTrue(counts[2] * 10 < counts[0], "Broyden " + counts[2] + " vs plain " + counts[0]);
        System.out.printf(
                "evaluations to absolute residual 1e-10 at spectral radius 0.99: plain %d, Anderson"
                        + " %d, Broyden %d%n",
                counts[0], counts[1], counts[2]);
    }

    /**
     * {@code mapped} is {@code f} at the returned iterates, per sample, also when the samples' best
     * iterates come from different evaluations (one sample contracts, one expands).
     */
    @Test
    void mappedIsTheMapAtTheReturnedIterates() {
        Random random = new Random(15);
        int d = 5;
        double[][][] a = {
            Fixtures.withSpectralNorm(random, d, 0.6), Fixtures.withSpectralNorm(random, d, 1.8)
        };
        double[][] c = {Fixtures.gaussian(random, d, 1), Fixtures.gaussian(random, d, 1)};
        UnaryOperator<NDArray> f = affine(manager, a, c, DataType.FLOAT64);
        for (Solver<?> solver : Fixtures.solvers()) {
            NDArray z0 = manager.zeros(new Shape(2, d), DataType.FLOAT64);
            FixedPointResult r = run(solver, manager, Map.of("max-iterations", 7), f, z0);
            assertEquals(r.z().getShape(), r.mapped().getShape(), solver.name());
            double[] again = f.apply(r.z()).toDoubleArray();
            double[] mapped = r.mapped().toDoubleArray();
            for (int i = 0; i < again.length; i++) {
                assertEquals(again[i], mapped[i], 1e-12, solver.name() + " entry " + i);
            }
        }
    }
}

package org.metaforge.plugins.solvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.metaforge.plugins.solvers.Fixtures.affine;
import static org.metaforge.plugins.solvers.Fixtures.affineFixedPoint;
import static org.metaforge.plugins.solvers.Fixtures.allFinite;
import static org.metaforge.plugins.solvers.Fixtures.maxError;
import static org.metaforge.plugins.solvers.Fixtures.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.Solver;
import org.metaforge.sdk.solver.FixedPointResult;

/** Singular histories, maps without a fixed point, mixed batches, memory and bad input. */
class RobustnessTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /**
     * Stops on the absolute residual alone: an iterate running away from a map without a fixed
     * point has a small relative residual, which would count as converged.
     */
    private static Map<String, Object> config(int maxIterations, double absTolerance) {
        Map<String, Object> c = new HashMap<>();
        c.put("max-iterations", maxIterations);
        c.put("abs-tolerance", absTolerance);
        c.put("rel-tolerance", 0);
        return c;
    }

    @Test
    void residualsConfinedToOneDirectionStillConverge() {
        // f(z) = z - h(u.z - t) u with h(s) = 0.3 s + 0.1 sin(s): every residual is parallel to u,
        // so with lambda = 0 any three of them make Anderson's least-squares system singular.
        // The fixed points are the hyperplane u.z = t; a solve moves the start along u only.
        Random random = new Random(21);
        int d = 8;
        double[] u = Fixtures.orthogonal(random, d)[0];
        double t = 2.5;
        NDArray direction = manager.create(u).reshape(1, d);
        UnaryOperator<NDArray> f =
                z -> {
                    NDArray s = z.mul(direction).sum(new int[] {1}, true).sub(t);
                    return z.sub(s.mul(0.3).add(s.sin().mul(0.1)).mul(direction));
                };
        double[] start = Fixtures.gaussian(random, 2 * d, 1);
        for (Solver<?> solver : Fixtures.solvers()) {
            Map<String, Object> c = config(300, 1e-12);
            if (solver instanceof AndersonSolver) {
                c.put("lambda", 0);
                c.put("memory", 5);
            }
            NDArray z0 = manager.create(start).reshape(2, d);
            FixedPointResult r = run(solver, manager, c, f, z0);
            assertTrue(r.converged(), solver.name() + " after " + r.evaluations());
            double[] z = r.z().toDoubleArray();
            for (int b = 0; b < 2; b++) {
                double along = 0;
                for (int i = 0; i < d; i++) {
                    along += u[i] * z[b * d + i];
                }
                assertEquals(t, along, 1e-9, solver.name());
                // the solve moved only along u: the rest of the start is untouched
                double shift = 0;
                for (int i = 0; i < d; i++) {
                    shift += u[i] * (z[b * d + i] - start[b * d + i]);
                }
                for (int i = 0; i < d; i++) {
                    double across = z[b * d + i] - start[b * d + i] - shift * u[i];
                    assertEquals(0, across, 1e-9, solver.name());
                }
            }
        }
    }

    @Test
    void aPlateauOfEqualResidualsDoesNotBreakAnderson() {
        // f(z) = z + clip(t - z, -1, 1): far from t every residual is exactly the same vector, so
        // with lambda = 0 Anderson's least-squares system is exactly singular at its second step
        double t = 9.25;
        UnaryOperator<NDArray> f = z -> z.add(z.neg().add(t).clip(-1, 1));
        for (double lambda : new double[] {0, 1e-4}) {
            Map<String, Object> c = config(100, 1e-12);
            c.put("lambda", lambda);
            NDArray z0 = manager.zeros(new Shape(2, 3), DataType.FLOAT64);
            FixedPointResult r = run(new AndersonSolver(), manager, c, f, z0);
            assertTrue(r.converged(), "lambda " + lambda + ": " + r.evaluations());
            assertTrue(
                    maxError(r.z(), new double[] {t, t, t, t, t, t}) < 1e-12, "lambda " + lambda);
        }
    }

    @Test
    void broydenIgnoresResidualChangesLostInRounding() {
        // a translation: f(z) - z is the same everywhere up to rounding, so any Broyden update
        // would be fitted to rounding noise and throw the iterate far away; plain steps remain
        double[] shift = {0.1, 0.3, -0.7};
        NDArray c = manager.create(shift).reshape(1, 3);
        double[] largest = new double[1];
        UnaryOperator<NDArray> f =
                z -> {
                    largest[0] = Math.max(largest[0], z.abs().max().getDouble());
                    return z.add(c);
                };
        NDArray z0 = manager.zeros(new Shape(2, 3), DataType.FLOAT64);
        FixedPointResult r = run(new BroydenSolver(), manager, config(50, 1e-12), f, z0);
        assertFalse(r.converged());
        // 49 plain steps of at most 0.7 reach 34.3
        assertTrue(largest[0] < 34.31, "an iterate went to " + largest[0]);
    }

    @Test
    void repeatedIteratesAtAFixedPointAreHarmless() {
        // sample 0 starts on its fixed point (all its residuals are zero: a zero Gram matrix);
        // sample 1 needs iterations, so sample 0 keeps being iterated
        double[][] a = {{0.5, 0}, {0, 0.5}};
        double[][] c = {{1, 1}, {1, -1}};
        UnaryOperator<NDArray> f = affine(manager, Fixtures.same(a, 2), c, DataType.FLOAT64);
        for (Solver<?> solver : Fixtures.solvers()) {
            NDArray z0 = manager.create(new double[] {2, 2, 0, 0}).reshape(2, 2);
            FixedPointResult r = run(solver, manager, config(100, 1e-12), f, z0);
            assertTrue(r.converged(), solver.name());
            assertTrue(maxError(r.z(), new double[] {2, 2, 2, -2}) < 1e-9, solver.name());
            assertEquals(0, r.sampleAbsoluteResiduals()[0], solver.name());
        }
    }

    @Test
    void mapsWithoutAFixedPointEndUnconvergedWithFiniteResults() {
        // f(z) - z >= 0.5 everywhere and grows like z^2, so no solver can find a fixed point, not
        // even a spurious one far out where float rounding would absorb a bounded residual
        UnaryOperator<NDArray> wavy =
                z -> z.add(z.mul(z).mul(0.5)).add(z.mul(3).sin().mul(0.5)).add(1);
        // f(z) - z = z^2 - z + 1 >= 0.75: plain iteration overflows within 10 steps
        UnaryOperator<NDArray> blowUp = z -> z.mul(z).add(1);
        for (Solver<?> solver : Fixtures.solvers()) {
            for (UnaryOperator<NDArray> f : List.of(wavy, blowUp)) {
                NDArray z0 = manager.zeros(new Shape(3, 4), DataType.FLOAT32);
                FixedPointResult r = run(solver, manager, config(60, 1e-6), f, z0);
                String who = solver.name();
                assertFalse(r.converged(), who);
                assertTrue(allFinite(r.z()), who + " returned a non-finite iterate");
                assertTrue(allFinite(r.residuals()), who);
                assertTrue(allFinite(r.sampleResiduals()), who);
                assertTrue(allFinite(r.sampleAbsoluteResiduals()), who);
                assertEquals(r.evaluations(), r.residuals().length, who);
                for (double abs : r.sampleAbsoluteResiduals()) {
                    assertTrue(abs > 0.1, who + " claims a small residual " + abs);
                }
            }
        }
    }

    @Test
    void plainIterationStopsOnAnExpandingMapAndKeepsItsBestIterate() {
        // z = 2z + 1 and a rotation scaled by 1.5: unique fixed points that plain iteration flees
        double[][] rotation = {{0, -1.5}, {1.5, 0}};
        double[][] doubling = {{2, 0}, {0, 2}};
        double[][] c = {{1, 1}, {0.5, -1}};
        for (double[][] a : List.of(doubling, rotation)) {
            UnaryOperator<NDArray> f = affine(manager, Fixtures.same(a, 2), c, DataType.FLOAT32);
            NDArray z0 = manager.zeros(new Shape(2, 2), DataType.FLOAT32);
            FixedPointResult r = run(new FixedPointSolver(), manager, config(5000, 1e-6), f, z0);
            assertFalse(r.converged());
            assertTrue(r.evaluations() < 5000, "stops once every sample overflowed");
            assertTrue(allFinite(r.residuals()));
            // the residual grows from the start on, so the start is the best iterate
            assertTrue(maxError(r.z(), new double[4]) == 0, "best iterate is the start");
            assertEquals(Math.sqrt(2), r.sampleAbsoluteResiduals()[0], 1e-6);
        }
    }

    @Test
    void accelerationSolvesTheAffineMapsPlainIterationFlees() {
        double[][] rotation = {{0, -1.5}, {1.5, 0}};
        double[][] c = {{1, 1}, {0.5, -1}};
        UnaryOperator<NDArray> f = affine(manager, Fixtures.same(rotation, 2), c, DataType.FLOAT64);
        double[] expected = new double[4];
        for (int b = 0; b < 2; b++) {
            System.arraycopy(affineFixedPoint(rotation, c[b]), 0, expected, 2 * b, 2);
        }
        for (Solver<?> solver : List.of(new AndersonSolver(), new BroydenSolver())) {
            NDArray z0 = manager.zeros(new Shape(2, 2), DataType.FLOAT64);
            FixedPointResult r = run(solver, manager, config(50, 1e-12), f, z0);
            assertTrue(r.converged(), solver.name());
            assertTrue(maxError(r.z(), expected) < 1e-6, solver.name());
        }
    }

    @Test
    void samplesOfABatchAreJudgedSeparately() {
        // sample 0 contracts fast (0.1), sample 1 slowly (0.95), sample 2 is a translation
        Random random = new Random(23);
        int d = 5;
        double[][][] a = {
            Fixtures.withSpectralNorm(random, d, 0.1),
            Fixtures.withSpectralNorm(random, d, 0.95),
            Fixtures.symmetricWithEigenvalues(random, new double[] {1, 1, 1, 1, 1})
        };
        double[][] c = {
            Fixtures.gaussian(random, d, 1),
            Fixtures.gaussian(random, d, 1),
            Fixtures.gaussian(random, d, 1)
        };
        UnaryOperator<NDArray> f = affine(manager, a, c, DataType.FLOAT64);
        double tolerance = 1e-10;
        for (Solver<?> solver : Fixtures.solvers()) {
            NDArray z0 = manager.zeros(new Shape(3, d), DataType.FLOAT64);
            FixedPointResult r = run(solver, manager, config(1000, tolerance), f, z0);
            String who = solver.name();
            assertFalse(r.converged(), who + ": sample 2 has no fixed point");
            double[] z = r.z().toDoubleArray();
            for (int b = 0; b < 2; b++) {
                double[] star = affineFixedPoint(a[b], c[b]);
                for (int i = 0; i < d; i++) {
                    assertEquals(star[i], z[b * d + i], 1e-6, who + " sample " + b);
                }
                assertTrue(r.sampleAbsoluteResiduals()[b] <= tolerance, who + " sample " + b);
            }
            assertTrue(r.sampleAbsoluteResiduals()[2] > 0.1, who + " sample 2");
            assertTrue(allFinite(r.z()), who);
        }
        // alone, the fast sample is done long before the slow one
        int fastCount = plainEvaluations(a[0], c[0], tolerance);
        int slowCount = plainEvaluations(a[1], c[1], tolerance);
        assertTrue(fastCount * 5 < slowCount, fastCount + " vs " + slowCount);
    }

    private int plainEvaluations(double[][] a, double[] c, double tolerance) {
        UnaryOperator<NDArray> f =
                affine(manager, new double[][][] {a}, new double[][] {c}, DataType.FLOAT64);
        NDArray z0 = manager.zeros(new Shape(1, c.length), DataType.FLOAT64);
        return run(new FixedPointSolver(), manager, config(2000, tolerance), f, z0).evaluations();
    }

    @Test
    void longSolvesLeaveOnlyTheirResultBehind() {
        // a translation has no fixed point, so every solver runs all its evaluations
        UnaryOperator<NDArray> f = z -> z.add(1);
        int d = 16;
        for (Solver<?> solver : Fixtures.solvers()) {
            try (NDManager caller = manager.newSubManager()) {
                NDArray z0 = caller.zeros(new Shape(2, d), DataType.FLOAT32);
                int before = caller.getManagedArrays().size();
                FixedPointResult r = run(solver, caller, config(300, 0), f, z0);
                assertEquals(300, r.evaluations(), solver.name());
                // the result's z and mapped
                assertEquals(before + 2, caller.getManagedArrays().size(), solver.name());
                assertTrue(allFinite(r.z()), solver.name());
            }
        }
    }

    @Test
    void badStartsAndShapeChangingMapsAreRefused() {
        FixedPointSolver solver = new FixedPointSolver();
        NDArray scalar = manager.create(1.0);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> run(solver, manager, Map.of(), z -> z, scalar));
        assertTrue(e.getMessage().contains("batch axis"), e.getMessage());
        NDArray z0 = manager.zeros(new Shape(2, 3));
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> run(solver, manager, Map.of(), z -> z.sum(new int[] {1}), z0));
        assertTrue(e.getMessage().contains("must keep the shape"), e.getMessage());
    }
}

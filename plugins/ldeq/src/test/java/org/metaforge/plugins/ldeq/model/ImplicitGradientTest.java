package org.metaforge.plugins.ldeq.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.solver.BoundSolver;
import org.metaforge.sdk.solver.FixedPointResult;
import org.metaforge.sdk.testkit.TestRunContext;

/**
 * Implicit gradients of a loss at the equilibrium against central finite differences of the loss at
 * the exactly solved equilibrium (float64, a small contractive cell).
 */
class ImplicitGradientTest {

    private static final double EPSILON = 1e-5;
    private static final double TOLERANCE = 1e-4;

    // an 8x8 grid: on a 4x4 grid the hourglass's bottom is 2x2 and its group-norm statistics so
    // nearly constant that the loss bends at the 1e-5 scale and central differences straddle it
    // (measured: 7e-2 at step 1e-5, 4e-9 at 1e-6)
    static final Architecture TINY = new Architecture(1, 32, 8, 3, 8, 4, 2, 1, 1, 1.0);

    @Test
    void implicitGradientsMatchFiniteDifferencesAtTheFixedPoint() {
        LdeqNetwork net = new LdeqNetwork(TINY);
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            Autodiff ad = new TestAutodiff();
            TestRunContext ctx = new TestRunContext(m, 3, ad, null, new HashMap<>());
            BoundSolver solver =
                    TestSolvers.fixedPoint(
                            ctx,
                            Map.of(
                                    "max-iterations",
                                    400,
                                    "rel-tolerance",
                                    1e-15,
                                    "abs-tolerance",
                                    0));
            NDArray params = contractive(net, m);
            NDArray images = m.randomUniform(0, 1, new Shape(2, 1, 32, 32), DataType.FLOAT64);
            NDArray injection = net.injection(params, images);
            NDArray weights = m.randomNormal(0, 1, new Shape(2, 3, 2), DataType.FLOAT64);

            double[] analytic = new double[2];
            NDArray[] grads = implicitGradients(ad, solver, net, params, injection, weights, false);
            NDArray[] jfb = implicitGradients(ad, solver, net, params, injection, weights, true);

            double worst = 0;
            double jfbWorst = 0;
            for (int k = 0; k < 3; k++) {
                // random directions in the cell's parameters (the stem's do not enter the cell)
                NDArray d = m.randomNormal(new Shape(params.size()), DataType.FLOAT64);
                d.set(new NDIndex("0:{}", net.stemCount()), 0);
                double fd = finiteDifference(solver, net, params, d, injection, null, weights);
                double a = grads[0].mul(d).sum().getDouble();
                double j = jfb[0].mul(d).sum().getDouble();
                worst = Math.max(worst, Math.abs(a - fd) / Math.abs(fd));
                jfbWorst = Math.max(jfbWorst, Math.abs(j - fd) / Math.abs(fd));
                NDArray e = m.randomNormal(injection.getShape(), DataType.FLOAT64);
                fd = finiteDifference(solver, net, params, null, injection, e, weights);
                a = grads[1].mul(e).sum().getDouble();
                worst = Math.max(worst, Math.abs(a - fd) / Math.abs(fd));
            }
            System.out.printf(
                    "implicit gradient: worst relative error %.3e; Jacobian-free %.3e%n",
                    worst, jfbWorst);
            assertTrue(worst <= TOLERANCE, "worst relative error " + worst);
            // the check can tell a wrong gradient: the Jacobian-free shortcut is not exact
            assertTrue(jfbWorst > 100 * TOLERANCE, "Jacobian-free error " + jfbWorst);
        }
    }

    /** Parameters whose cell is a contraction: the cell's part shrunk by 0.3. */
    static NDArray contractive(LdeqNetwork net, NDManager m) {
        NDArray params = net.initialParameters(m, 5).toType(DataType.FLOAT64, false);
        NDArray cell = params.get(new NDIndex("{}:", net.stemCount())).mul(0.3);
        params.set(new NDIndex("{}:", net.stemCount()), cell);
        return params;
    }

    static double loss(NDArray z, NDArray weights) {
        NDArray c = Heatmaps.coordinates(z);
        return c.mul(weights).sum().add(c.square().sum()).getDouble();
    }

    private static NDArray[] implicitGradients(
            Autodiff ad,
            BoundSolver solver,
            LdeqNetwork net,
            NDArray params,
            NDArray injection,
            NDArray weights,
            boolean jacobianFree) {
        FixedPointResult fwd = solve(solver, net, params, injection);
        assertTrue(fwd.converged(), "forward solve did not converge: " + fwd.sampleResiduals()[0]);
        NDArray theta;
        NDArray inj;
        NDArray zLeaf;
        NDArray z1;
        try (Autodiff.Tape t = ad.tape()) {
            theta = ad.requireGradient(params);
            inj = ad.requireGradient(injection);
            zLeaf = ad.requireGradient(fwd.z());
            z1 = net.cell(theta, zLeaf, inj);
        }
        NDArray g;
        try (Autodiff.Tape t = ad.tape()) {
            NDArray zOut = ad.requireGradient(z1);
            NDArray c = Heatmaps.coordinates(zOut);
            NDArray l = c.mul(weights).sum().add(c.square().sum());
            g = ad.gradient(l, new NDList(zOut), false).get(0);
        }
        ImplicitBackward.Result r =
                ImplicitBackward.gradients(
                        ad, solver, z1, zLeaf, g, new NDList(theta, inj), jacobianFree);
        if (!jacobianFree) {
            assertTrue(r.solve().converged(), "backward solve did not converge");
        }
        return new NDArray[] {r.gradients().get(0), r.gradients().get(1)};
    }

    static FixedPointResult solve(
            BoundSolver solver, LdeqNetwork net, NDArray params, NDArray injection) {
        NDArray z0 = net.zeros(params.getManager(), injection.getShape().get(0), DataType.FLOAT64);
        return solver.solve(z -> net.cell(params, z, injection), z0);
    }

    private static double finiteDifference(
            BoundSolver solver,
            LdeqNetwork net,
            NDArray params,
            NDArray dParams,
            NDArray injection,
            NDArray dInjection,
            NDArray weights) {
        double[] values = new double[2];
        for (int s = 0; s < 2; s++) {
            double h = s == 0 ? EPSILON : -EPSILON;
            NDArray p = dParams == null ? params : params.add(dParams.mul(h));
            NDArray x = dInjection == null ? injection : injection.add(dInjection.mul(h));
            FixedPointResult r = solve(solver, net, p, x);
            assertTrue(r.converged(), "perturbed solve did not converge");
            values[s] = loss(r.z(), weights);
        }
        return (values[0] - values[1]) / (2 * EPSILON);
    }
}

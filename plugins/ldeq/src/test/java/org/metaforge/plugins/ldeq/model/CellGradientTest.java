package org.metaforge.plugins.ldeq.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.autodiff.Autodiff;

/** Vector-Jacobian products of one cell step against central finite differences (float64). */
class CellGradientTest {

    @Test
    void cellVjpsMatchFiniteDifferences() {
        Architecture arch = ImplicitGradientTest.TINY;
        LdeqNetwork net = new LdeqNetwork(arch);
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(12);
            Autodiff ad = new TestAutodiff();
            NDArray params = ImplicitGradientTest.contractive(net, m);
            NDArray images = m.randomUniform(0, 1, new Shape(2, 1, 32, 32), DataType.FLOAT64);
            NDArray inj = net.injection(params, images);
            NDArray z = m.randomUniform(0, 1, net.heatmapShape(2), DataType.FLOAT64);
            NDArray v = m.randomNormal(net.heatmapShape(2), DataType.FLOAT64);
            NDArray theta;
            NDArray zl;
            NDArray il;
            NDArray out;
            try (Autodiff.Tape t = ad.tape()) {
                theta = ad.requireGradient(params);
                zl = ad.requireGradient(z);
                il = ad.requireGradient(inj);
                out = net.cell(theta, zl, il);
            }
            NDList g = ad.vjp(new NDList(out), new NDList(theta, zl, il), new NDList(v), false);
            NDArray[] dirs = {
                m.randomNormal(new Shape(params.size()), DataType.FLOAT64),
                m.randomNormal(z.getShape(), DataType.FLOAT64),
                m.randomNormal(inj.getShape(), DataType.FLOAT64)
            };
            double h = 1e-6;
            double worst = 0;
            for (int k = 0; k < 3; k++) {
                NDArray[] plus = {params, z, inj};
                NDArray[] minus = {params, z, inj};
                NDArray base = k == 0 ? params : k == 1 ? z : inj;
                plus[k] = base.add(dirs[k].mul(h));
                minus[k] = base.add(dirs[k].mul(-h));
                double fp = net.cell(plus[0], plus[1], plus[2]).mul(v).sum().getDouble();
                double fm = net.cell(minus[0], minus[1], minus[2]).mul(v).sum().getDouble();
                double fd = (fp - fm) / (2 * h);
                double a = g.get(k).mul(dirs[k]).sum().getDouble();
                System.out.printf("cell vjp %d: analytic %.10e fd %.10e%n", k, a, fd);
                worst = Math.max(worst, Math.abs(a - fd) / Math.abs(fd));
            }
            assertTrue(worst < 1e-5, "worst " + worst);
        }
    }
}

package org.metaforge.plugins.solvers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.metaforge.sdk.Solver;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.solver.FixedPointResult;
import org.metaforge.sdk.testkit.TestRunContext;

/**
 * Test maps with known fixed points, computed on the host in double precision independently of the
 * solvers, and a way to run every solver on them.
 */
final class Fixtures {

    private Fixtures() {}

    /** The three solvers. */
    static List<Solver<?>> solvers() {
        return List.of(new FixedPointSolver(), new AndersonSolver(), new BroydenSolver());
    }

    /** Runs {@code solver} with its defaults overridden by {@code config} (kebab-case keys). */
    static <C extends Record> FixedPointResult run(
            Solver<C> solver,
            NDManager manager,
            Map<String, ?> config,
            UnaryOperator<NDArray> f,
            NDArray z0) {
        C c = ConfigSchema.of(solver.configType()).bind(config, "test config of " + solver.name());
        RunContext context = TestRunContext.simple(manager, 7);
        return solver.solve(context, c, f, z0);
    }

    /**
     * The batched affine map {@code z_b -> A_b z_b + c_b} on rows {@code (B, D)}, built so that
     * every result is created from {@code z}'s manager.
     */
    static UnaryOperator<NDArray> affine(
            NDManager manager, double[][][] a, double[][] c, DataType t) {
        int batch = a.length;
        int d = c[0].length;
        double[] transposed = new double[batch * d * d];
        double[] offsets = new double[batch * d];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < d; i++) {
                offsets[b * d + i] = c[b][i];
                for (int j = 0; j < d; j++) {
                    transposed[(b * d + j) * d + i] = a[b][i][j];
                }
            }
        }
        NDArray at = manager.create(transposed).reshape(batch, d, d).toType(t, false);
        NDArray off = manager.create(offsets).reshape(batch, d).toType(t, false);
        return z -> z.expandDims(1).matMul(at).squeeze(1).add(off);
    }

    /** {@code a} repeated for every sample. */
    static double[][][] same(double[][] a, int batch) {
        double[][][] out = new double[batch][][];
        for (int b = 0; b < batch; b++) {
            out[b] = a;
        }
        return out;
    }

    /** A Gaussian matrix scaled to spectral norm {@code norm} (power iteration on A^T A). */
    static double[][] withSpectralNorm(Random random, int d, double norm) {
        double[][] a = gaussian(random, d);
        double[] v = new double[d];
        v[0] = 1;
        double sigma = 0;
        for (int it = 0; it < 2000; it++) {
            double[] w = multiply(transpose(a), multiply(a, v));
            double length = Math.sqrt(dot(w, w));
            for (int i = 0; i < d; i++) {
                v[i] = w[i] / length;
            }
            sigma = Math.sqrt(length);
        }
        return scale(a, norm / sigma);
    }

    /** {@code Q diag(eigenvalues) Q^T} with a random orthogonal Q. */
    static double[][] symmetricWithEigenvalues(Random random, double[] eigenvalues) {
        int d = eigenvalues.length;
        double[][] q = orthogonal(random, d);
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < d; k++) {
                    a[i][j] += q[i][k] * eigenvalues[k] * q[j][k];
                }
            }
        }
        return a;
    }

    /** Rows of a random orthogonal matrix (Gram-Schmidt on Gaussian rows). */
    static double[][] orthogonal(Random random, int d) {
        double[][] q = gaussian(random, d);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                double p = dot(q[i], q[j]);
                for (int k = 0; k < d; k++) {
                    q[i][k] -= p * q[j][k];
                }
            }
            double n = Math.sqrt(dot(q[i], q[i]));
            for (int k = 0; k < d; k++) {
                q[i][k] /= n;
            }
        }
        return q;
    }

    /** The fixed point of {@code z -> A z + c}: the solution of {@code (I - A) z = c}. */
    static double[] affineFixedPoint(double[][] a, double[] c) {
        int d = c.length;
        double[][] m = new double[d][d + 1];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                m[i][j] = (i == j ? 1 : 0) - a[i][j];
            }
            m[i][d] = c[i];
        }
        // Gauss-Jordan elimination with partial pivoting
        for (int col = 0; col < d; col++) {
            int p = col;
            for (int r = col + 1; r < d; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[p][col])) {
                    p = r;
                }
            }
            double[] t = m[col];
            m[col] = m[p];
            m[p] = t;
            for (int r = 0; r < d; r++) {
                if (r != col) {
                    double factor = m[r][col] / m[col][col];
                    for (int k = col; k <= d; k++) {
                        m[r][k] -= factor * m[col][k];
                    }
                }
            }
        }
        double[] z = new double[d];
        for (int i = 0; i < d; i++) {
            z[i] = m[i][d] / m[i][i];
        }
        return z;
    }

    /** Standard normal values. */
    static double[] gaussian(Random random, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * random.nextGaussian();
        }
        return v;
    }

    /** The largest absolute difference between {@code z} and {@code expected} (same layout). */
    static double maxError(NDArray z, double[] expected) {
        double[] got = z.toType(DataType.FLOAT64, false).toDoubleArray();
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - expected[i]));
        }
        return worst;
    }

    /** Whether every value of {@code z} is finite. */
    static boolean allFinite(NDArray z) {
        for (double v : z.toType(DataType.FLOAT64, false).toDoubleArray()) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Whether every value of {@code values} is finite. */
    static boolean allFinite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static double[][] gaussian(Random random, int d) {
        double[][] a = new double[d][];
        for (int i = 0; i < d; i++) {
            a[i] = gaussian(random, d, 1);
        }
        return a;
    }

    private static double[][] transpose(double[][] a) {
        int d = a.length;
        double[][] t = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    private static double[][] scale(double[][] a, double s) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] *= s;
            }
        }
        return out;
    }

    private static double[] multiply(double[][] a, double[] v) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = dot(a[i], v);
        }
        return out;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}

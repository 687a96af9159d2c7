package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticHeadTest {

    private static final int WAYS = 3;
    private static final int SHOTS = 2;
    private static final int QUERIES = 4;
    private static final int DIM = 5;

    /** Support rows (class-major) then query rows. */
    private static double[][] features(long seed) {
        Random r = new Random(seed);
        double[][] x = new double[WAYS * SHOTS + QUERIES][DIM];
        for (int i = 0; i < x.length; i++) {
            for (int d = 0; d < DIM; d++) {
                // support rows lean towards their class's axis, so the classes differ
                x[i][d] = r.nextGaussian() + (i < WAYS * SHOTS && d == i / SHOTS ? 1.5 : 0);
            }
        }
        return x;
    }

    private static double[][] gram(double[][] x) {
        double[][] g = new double[x.length][x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                for (int d = 0; d < DIM; d++) {
                    g[i][j] += x[i][d] * x[j][d];
                }
            }
        }
        return g;
    }

    @Test
    void beforeAnyStepTheHeadIsThePrototypeClassifier() {
        double[][] x = features(1);
        double[][] logits = LogisticHead.queryLogits(gram(x), WAYS, SHOTS, 0.1, 0);
        int n = WAYS * SHOTS;
        for (int q = 0; q < QUERIES; q++) {
            double[] query = x[n + q];
            double norm2 = 0;
            for (double v : query) {
                norm2 += v * v;
            }
            for (int c = 0; c < WAYS; c++) {
                // -|q - mu_c|^2, the prototype logit, by hand; the head's lacks the -|q|^2 that
                // all classes share
                double dist2 = 0;
                for (int d = 0; d < DIM; d++) {
                    double mu = (x[c * SHOTS][d] + x[c * SHOTS + 1][d]) / 2;
                    dist2 += (query[d] - mu) * (query[d] - mu);
                }
                assertEquals(-dist2, logits[q][c] - norm2, 1e-12);
            }
        }
    }

    /**
     * The fit on the Gram matrix gives the query logits of the same penalised logistic regression
     * solved directly on the features (plain gradient descent on W and b to convergence), up to the
     * constant per query that the unpenalised bias leaves free.
     */
    @Test
    void matchesTheRegressionSolvedOnTheFeatures() {
        double l2 = 0.05;
        double[][] x = features(2);
        double[][] dual = LogisticHead.queryLogits(gram(x), WAYS, SHOTS, l2, 3000);
        double[][] primal = primalQueryLogits(x, l2);
        double[][] prototypes = LogisticHead.queryLogits(gram(x), WAYS, SHOTS, l2, 0);
        double moved = 0;
        for (int q = 0; q < QUERIES; q++) {
            double[] a = centred(dual[q]);
            double[] b = centred(primal[q]);
            double[] p = centred(prototypes[q]);
            for (int c = 0; c < WAYS; c++) {
                assertEquals(b[c], a[c], 1e-7, "query " + q + " class " + c);
                moved = Math.max(moved, Math.abs(p[c] - b[c]));
            }
        }
        assertTrue(moved > 0.1, "the fit moved away from the prototypes: " + moved);
    }

    @Test
    void fitsFromEmbeddingsAsFromTheirGramMatrix() {
        double[][] x = features(3);
        double[][] expected = LogisticHead.queryLogits(gram(x), WAYS, SHOTS, 0.01, 50);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray logits =
                    LogisticHead.queryLogits(
                            m.create(x), new EpisodeSize(WAYS, SHOTS, 1), 0.01, 50);
            assertArrayEquals(new long[] {QUERIES, WAYS}, logits.getShape().getShape());
            double[] flat = logits.toDoubleArray();
            for (int q = 0; q < QUERIES; q++) {
                for (int c = 0; c < WAYS; c++) {
                    assertEquals(expected[q][c], flat[q * WAYS + c], 1e-12);
                }
            }
        }
    }

    private static double[][] primalQueryLogits(double[][] x, double l2) {
        int n = WAYS * SHOTS;
        double[][] w = new double[WAYS][DIM];
        double[] b = new double[WAYS];
        for (int t = 0; t < 200_000; t++) {
            double[][] gw = new double[WAYS][DIM];
            double[] gb = new double[WAYS];
            for (int i = 0; i < n; i++) {
                double[] p = softmax(logits(w, b, x[i]));
                for (int c = 0; c < WAYS; c++) {
                    double g = (p[c] - (i / SHOTS == c ? 1 : 0)) / n;
                    gb[c] += g;
                    for (int d = 0; d < DIM; d++) {
                        gw[c][d] += g * x[i][d];
                    }
                }
            }
            for (int c = 0; c < WAYS; c++) {
                b[c] -= 0.05 * gb[c];
                for (int d = 0; d < DIM; d++) {
                    w[c][d] -= 0.05 * (gw[c][d] + l2 * w[c][d]);
                }
            }
        }
        double[][] out = new double[QUERIES][];
        for (int q = 0; q < QUERIES; q++) {
            out[q] = logits(w, b, x[n + q]);
        }
        return out;
    }

    private static double[] logits(double[][] w, double[] b, double[] x) {
        double[] z = b.clone();
        for (int c = 0; c < WAYS; c++) {
            for (int d = 0; d < DIM; d++) {
                z[c] += w[c][d] * x[d];
            }
        }
        return z;
    }

    private static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double[] p = new double[z.length];
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            p[c] = Math.exp(z[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < z.length; c++) {
            p[c] /= sum;
        }
        return p;
    }

    private static double[] centred(double[] z) {
        double mean = 0;
        for (double v : z) {
            mean += v / z.length;
        }
        double[] c = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            c[i] = z[i] - mean;
        }
        return c;
    }
}

package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Multinomial logistic regression fitted on an episode's support features, the classifier that "a
 * good embedding is all you need" (Tian et al., ECCV 2020) puts on a frozen embedding in place of
 * the nearest prototype ({@code head: logistic} of {@code baselines/protonet}).
 *
 * <p>The objective is the mean cross-entropy over the support set plus {@code l2}/2 times the
 * squared norm of the weights (the bias is not penalised). Its minimiser lies in the span of the
 * support features, {@code W = Sᵀ A}, so the fit works on the support set's Gram matrix {@code K =
 * S Sᵀ} alone: support logits {@code K A + b}, query logits {@code (Q Sᵀ) A + b}. A gradient step
 * on {@code W} is the step {@code A -= η (G + l2 A)} with {@code G} the gradient of the loss with
 * respect to the support logits, and runs as accelerated gradient descent from the prototype
 * classifier ({@code W_c = 2 μ_c}, {@code b_c = -|μ_c|²}), whose arg-max it reproduces before the
 * first step. All in float64.
 */
final class LogisticHead {

    private LogisticHead() {}

    /**
     * Query logits of the classifier fitted on an episode's support embeddings.
     *
     * @param embeddings support then query embeddings {@code (n + m, D)}, support class-major
     * @param size the episode's ways and shots
     * @param l2 weight of the squared-norm penalty, positive
     * @param steps accelerated gradient steps
     * @return {@code (m, ways)}, float64, on the embeddings' manager
     */
    static NDArray queryLogits(NDArray embeddings, EpisodeSize size, double l2, int steps) {
        NDArray f = embeddings.toType(DataType.FLOAT64, false);
        int rows = Math.toIntExact(f.getShape().get(0));
        double[] flat = f.matMul(f.transpose()).toDoubleArray();
        double[][] gram = new double[rows][rows];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * rows, gram[i], 0, rows);
        }
        return embeddings
                .getManager()
                .create(queryLogits(gram, size.ways(), size.shots(), l2, steps));
    }

    /**
     * Query logits of the fitted classifier.
     *
     * @param gram Gram matrix of support then query features, {@code (n + m) x (n + m)}, the {@code
     *     n} support rows class-major ({@code shots} per class)
     * @param ways classes
     * @param shots support images per class ({@code n = ways * shots})
     * @param l2 weight of the squared-norm penalty, positive
     * @param steps accelerated gradient steps
     * @return {@code m x ways}
     */
    static double[][] queryLogits(double[][] gram, int ways, int shots, double l2, int steps) {
        int n = ways * shots;
        int m = gram.length - n;
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += gram[i][i];
        }
        // Softmax cross-entropy has curvature at most 1/2 in the logits, so with the bias as a
        // constant feature 1 the objective's gradient is ((trace(K) + n) / 2n + l2)-Lipschitz in
        // (W, b): the step 1/L never overshoots.
        double step = 1 / (0.5 * trace / n + l2 + 0.5);
        double[][] a = new double[n][ways];
        double[] b = new double[ways];
        for (int c = 0; c < ways; c++) {
            double norm2 = 0;
            for (int i = c * shots; i < (c + 1) * shots; i++) {
                a[i][c] = 2.0 / shots;
                for (int j = c * shots; j < (c + 1) * shots; j++) {
                    norm2 += gram[i][j];
                }
            }
            b[c] = -norm2 / ((double) shots * shots);
        }
        double[][] aPrev = copy(a);
        double[] bPrev = b.clone();
        double[][] ya = copy(a);
        double[] yb = b.clone();
        for (int t = 1; t <= steps; t++) {
            double[][] grad = logitGradient(gram, ya, yb, n, ways, shots);
            double[] gb = new double[ways];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < ways; c++) {
                    gb[c] += grad[i][c];
                }
            }
            double momentum = (t - 1.0) / (t + 2.0);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < ways; c++) {
                    double next = ya[i][c] - step * (grad[i][c] + l2 * ya[i][c]);
                    ya[i][c] = next + momentum * (next - aPrev[i][c]);
                    aPrev[i][c] = next;
                }
            }
            for (int c = 0; c < ways; c++) {
                double next = yb[c] - step * gb[c];
                yb[c] = next + momentum * (next - bPrev[c]);
                bPrev[c] = next;
            }
        }
        a = aPrev;
        b = bPrev;
        double[][] logits = new double[m][ways];
        for (int q = 0; q < m; q++) {
            for (int c = 0; c < ways; c++) {
                double z = b[c];
                for (int i = 0; i < n; i++) {
                    z += gram[n + q][i] * a[i][c];
                }
                logits[q][c] = z;
            }
        }
        return logits;
    }

    /** The gradient of the mean support cross-entropy with respect to the support logits. */
    private static double[][] logitGradient(
            double[][] gram, double[][] a, double[] b, int n, int ways, int shots) {
        double[][] g = new double[n][ways];
        for (int i = 0; i < n; i++) {
            double[] z = new double[ways];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < ways; c++) {
                double v = b[c];
                for (int j = 0; j < n; j++) {
                    v += gram[i][j] * a[j][c];
                }
                z[c] = v;
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int c = 0; c < ways; c++) {
                z[c] = Math.exp(z[c] - max);
                sum += z[c];
            }
            for (int c = 0; c < ways; c++) {
                g[i][c] = (z[c] / sum - (i / shots == c ? 1 : 0)) / n;
            }
        }
        return g;
    }

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i].clone();
        }
        return c;
    }
}

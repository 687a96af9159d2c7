package org.metaforge.plugins.solvers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.solver.FixedPointResult;

/**
 * One batched solve: the map's evaluations, per-sample residuals, each sample's best iterate, the
 * stopping rule and the memory of the iterations.
 *
 * <p>Solvers work on rows: the start of shape {@code (B, ...)} becomes {@code (B, D)}. The map is
 * called with arrays of the start's shape and must return a new array of the same shape and data
 * type; the solve takes ownership of it (arrays the map creates on the way are the map's own).
 * Everything an iteration creates lives in the current scope, a sub-manager of the start's manager
 * (operations attach their results to their first operand's manager); {@link #carry} moves what the
 * next iteration needs to a fresh scope and frees the rest, so memory stays flat however many
 * iterations run. Not thread-safe.
 */
final class Solve implements AutoCloseable {

    /** Added to {@code ||f(z)||} in the relative residual, as in the LDEQ reference. */
    private static final double REL_EPSILON = 1e-5;

    private final RunContext context;
    private final Stopping stopping;
    private final UnaryOperator<NDArray> map;
    private final NDManager owner;
    private final Shape shape;
    private final DataType dataType;
    private final int batch;
    private final long width;
    private final double[] bestScore;
    private final double[] bestAbs;
    private final double[] bestRel;
    private final boolean[] diverged;
    private double[] trace = new double[16];
    private int evaluations;
    private NDManager scope;
    private NDArray best;
    private NDArray bestMapped;

    /**
     * Starts a solve.
     *
     * @throws IllegalArgumentException if {@code z0} has no batch axis or no values
     */
    Solve(RunContext context, Stopping stopping, UnaryOperator<NDArray> map, NDArray z0) {
        Shape s = z0.getShape();
        if (s.dimension() == 0 || s.size() == 0) {
            throw new IllegalArgumentException(
                    "The start z0 needs a batch axis first and at least one value; got shape " + s);
        }
        this.context = context;
        this.stopping = stopping;
        this.map = map;
        this.owner = z0.getManager();
        this.shape = s;
        this.dataType = z0.getDataType();
        this.batch = Math.toIntExact(s.get(0));
        this.width = s.size() / batch;
        this.bestScore = new double[batch];
        this.bestAbs = new double[batch];
        this.bestRel = new double[batch];
        this.diverged = new boolean[batch];
        this.scope = owner.newSubManager();
    }

    /** The batch size B. */
    int batch() {
        return batch;
    }

    /** The values per sample, D. */
    long width() {
        return width;
    }

    /** The machine epsilon of the iterates' data type (float32's for anything but float64). */
    double epsilon() {
        return dataType == DataType.FLOAT64 ? Math.ulp(1.0) : Math.ulp(1.0f);
    }

    /** The start as rows {@code (B, D)}: a copy in the current scope. */
    NDArray start(NDArray z0) {
        NDArray z = z0.reshape(batch, width);
        z.attach(scope);
        return z.duplicate();
    }

    /**
     * Evaluates the map at the rows {@code z} and records the residuals.
     *
     * @return {@code f(z)} as rows, in the current scope
     */
    NDArray evaluate(NDArray z) {
        context.checkCancelled();
        NDArray out = map.apply(z.reshape(shape));
        out.attach(scope);
        if (!out.getShape().equals(shape) || out.getDataType() != dataType) {
            throw new IllegalArgumentException(
                    "The map returned "
                            + out.getDataType()
                            + " of shape "
                            + out.getShape()
                            + " for "
                            + dataType
                            + " of shape "
                            + shape
                            + "; a fixed-point map must keep the shape and data type.");
        }
        NDArray fz = out.reshape(batch, width);
        observe(z, fz);
        return fz;
    }

    private void observe(NDArray z, NDArray fz) {
        NDArray norms =
                NDArrays.stack(new NDList(fz.sub(z).norm(new int[] {1}), fz.norm(new int[] {1})));
        double[] h = host(norms);
        boolean[] improved = new boolean[batch];
        boolean anyImproved = false;
        double worst = 0;
        for (int b = 0; b < batch; b++) {
            double abs = h[b];
            double rel = abs / (h[batch + b] + REL_EPSILON);
            diverged[b] = !Double.isFinite(abs) || !Double.isFinite(h[batch + b]);
            if (diverged[b]) {
                abs = Double.MAX_VALUE;
                rel = Double.MAX_VALUE;
            }
            worst = Math.max(worst, rel);
            double score = diverged[b] ? Double.POSITIVE_INFINITY : stopping.score(abs, rel);
            if (best == null || score < bestScore[b]) {
                improved[b] = true;
                anyImproved = true;
                bestScore[b] = score;
                bestAbs[b] = abs;
                bestRel[b] = rel;
            }
        }
        if (best == null) {
            best = z;
            bestMapped = fz;
        } else if (anyImproved) {
            NDArray m = mask(improved);
            best = NDArrays.where(m, z, best);
            bestMapped = NDArrays.where(m, fz, bestMapped);
        }
        if (evaluations == trace.length) {
            trace = Arrays.copyOf(trace, 2 * trace.length);
        }
        trace[evaluations++] = worst;
    }

    /**
     * Whether the solve is over: every sample met the stopping rule or its latest evaluation was
     * not finite (it cannot recover), or the evaluations are used up.
     */
    boolean finished() {
        if (evaluations >= stopping.maxIterations()) {
            return true;
        }
        for (int b = 0; b < batch; b++) {
            if (!diverged[b] && !stopping.meets(bestAbs[b], bestRel[b])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Moves {@code keep} (and the best iterates with their map values) to a fresh scope and frees
     * everything else.
     */
    void carry(NDArray... keep) {
        NDManager next = owner.newSubManager();
        for (NDArray a : keep) {
            a.attach(next);
        }
        best.attach(next);
        bestMapped.attach(next);
        scope.close();
        scope = next;
    }

    /** Zeros of the iterates' data type in the current scope. */
    NDArray zeros(long... dims) {
        return scope.zeros(new Shape(dims), dataType);
    }

    /** {@code values} as an array of the iterates' data type and the given shape. */
    NDArray create(double[] values, long... dims) {
        return scope.create(values).toType(dataType, false).reshape(dims);
    }

    /** A per-sample condition spread over rows {@code (B, D)}, for {@link NDArrays#where}. */
    NDArray mask(boolean[] perSample) {
        return scope.create(perSample).reshape(batch, 1).broadcast(batch, width);
    }

    /** The values of {@code a} on the host, in double precision. */
    static double[] host(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    /**
     * The result: each sample's best iterate and its map value, attached to the start's manager.
     */
    FixedPointResult result() {
        NDArray z = best.reshape(shape);
        z.attach(owner);
        NDArray mapped = bestMapped.reshape(shape);
        mapped.attach(owner);
        boolean converged = true;
        for (int b = 0; b < batch; b++) {
            converged &= stopping.meets(bestAbs[b], bestRel[b]);
        }
        return new FixedPointResult(
                z,
                mapped,
                Arrays.copyOf(trace, evaluations),
                evaluations,
                converged,
                bestRel.clone(),
                bestAbs.clone());
    }

    @Override
    public void close() {
        scope.close();
    }
}

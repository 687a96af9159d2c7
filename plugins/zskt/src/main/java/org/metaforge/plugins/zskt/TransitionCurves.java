package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.Scalars;

/**
 * Transition curves and the mean transition error of two networks (section 4.3 of the paper).
 *
 * <p>From images on which networks A and B predict the same class {@code i}, take {@code steps}
 * gradient steps of size {@code xi} on the image that raise {@code log p_j} under A, for every
 * other class {@code j}, and record {@code p_j} under A and under B before each step, as the
 * authors' script does. The mean transition error is {@code mean |p_j^A - p_j^B|} over steps,
 * target classes and images. Both networks run in eval mode. All images and targets of a chunk move
 * together; each image's gradient is that of its own {@code log p_j} (a sum, not a mean, over the
 * batch), so batching does not change the steps.
 *
 * @param meanA mean {@code p_j} under A at each step
 * @param meanB mean {@code p_j} under B at each step
 * @param mte the mean transition error
 * @param curves how many (image, target) curves were averaged
 */
record TransitionCurves(double[] meanA, double[] meanB, double mte, long curves) {

    /** One network in eval mode. */
    record Side(Net net, NDArray w, ModelState state) {
        NDArray logits(NDArray x) {
            return net.logits(w, x, state, false);
        }
    }

    /**
     * Computes the curves.
     *
     * @param images {@code (N, C, H, W)} images both networks classify as {@code classOf}
     * @param classOf the agreed class of each image
     * @param classes the number of classes {@code K}; each image yields {@code K - 1} curves
     * @param chunk how many curves move in one batch
     */
    static TransitionCurves compute(
            Autodiff ad,
            Side a,
            Side b,
            NDArray images,
            int[] classOf,
            int classes,
            int steps,
            double xi,
            int chunk,
            NDManager run) {
        int n = classOf.length;
        int pairs = n * (classes - 1);
        double[] sumA = new double[steps];
        double[] sumB = new double[steps];
        double absSum = 0;
        for (int from = 0; from < pairs; from += chunk) {
            int to = Math.min(pairs, from + chunk);
            int[] src = new int[to - from];
            int[] target = new int[to - from];
            for (int p = from; p < to; p++) {
                int img = p / (classes - 1);
                int offset = p % (classes - 1) + 1;
                src[p - from] = img;
                target[p - from] = (classOf[img] + offset) % classes;
            }
            try (NDManager sm = run.newSubManager()) {
                a.w().tempAttach(sm);
                if (b.w() != a.w()) {
                    // attaching one array twice would close it with the manager
                    b.w().tempAttach(sm);
                }
                NDArray x = images.get(new NDIndex("{}", sm.create(src)));
                x.attach(sm);
                NDArray onehot = sm.create(target).oneHot(classes, x.getDataType());
                for (int s = 0; s < steps; s++) {
                    try (NDManager step = sm.newSubManager()) {
                        x.tempAttach(step);
                        NDArray grad;
                        NDArray pA;
                        try (Autodiff.Tape tape = ad.tape()) {
                            NDArray xr = ad.requireGradient(x);
                            xr.attach(step);
                            NDArray logp = a.logits(xr).logSoftmax(1);
                            NDArray objective = logp.mul(onehot).sum();
                            pA = logp.stopGradient().exp().mul(onehot).sum(new int[] {1});
                            grad = ad.gradient(objective, new NDList(xr), false).get(0);
                        }
                        NDArray pB = b.logits(x).softmax(1).mul(onehot).sum(new int[] {1});
                        double[] va = pA.toType(DataType.FLOAT64, false).toDoubleArray();
                        double[] vb = pB.toType(DataType.FLOAT64, false).toDoubleArray();
                        for (int i = 0; i < va.length; i++) {
                            sumA[s] += va[i];
                            sumB[s] += vb[i];
                            absSum += Math.abs(va[i] - vb[i]);
                        }
                        try (NDArray size = Scalars.like(grad, xi)) {
                            x.addi(grad.mul(size));
                        }
                    }
                }
            }
        }
        double[] meanA = new double[steps];
        double[] meanB = new double[steps];
        for (int s = 0; s < steps; s++) {
            meanA[s] = sumA[s] / pairs;
            meanB[s] = sumB[s] / pairs;
        }
        return new TransitionCurves(meanA, meanB, absSum / ((double) pairs * steps), pairs);
    }
}

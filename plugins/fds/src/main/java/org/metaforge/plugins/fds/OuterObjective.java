package org.metaforge.plugins.fds;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.metric.Accuracy;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.Losses;
import org.metaforge.sdk.nn.ModelState;

/** The outer objective and the figures reported per outer step. */
final class OuterObjective {

    private OuterObjective() {}

    /**
     * The validation loss {@code L_val(w)}, the mean over consecutive batches of each batch's mean
     * cross-entropy, in training mode (batch statistics, as the reference does), and optionally its
     * gradient. The running statistics of {@code state} are not changed.
     *
     * @return the loss, and the gradient on {@code w}'s manager or null
     */
    static Objective objective(
            Autodiff ad,
            FunctionalModel model,
            NDArray w,
            ModelState state,
            LabeledImages val,
            int batch,
            boolean gradient) {
        NDManager home = w.getManager();
        ModelState scratch = state.copy(home);
        double loss = 0;
        NDArray grad = gradient ? w.zerosLike() : null;
        int batches = 0;
        LabeledImages.Tensors tensors = val.upload(home);
        for (int from = 0; from < val.size(); from += batch, batches++) {
            int to = Math.min(val.size(), from + batch);
            try (NDManager sm = home.newSubManager()) {
                NDList xy = tensors.batch(sm, from, to);
                NDArray x = xy.get(0).toType(w.getDataType(), false);
                if (gradient) {
                    NDList r =
                            ad.gradientAndHvp(
                                    p ->
                                            Losses.crossEntropy(
                                                    model.forward(p, x, scratch, true), xy.get(1)),
                                    w,
                                    new NDList());
                    r.attach(sm);
                    loss += r.get(0).toType(DataType.FLOAT64, false).getDouble();
                    grad.addi(r.get(1));
                } else {
                    w.tempAttach(sm);
                    loss +=
                            Losses.crossEntropy(model.forward(w, x, scratch, true), xy.get(1))
                                    .toType(DataType.FLOAT64, false)
                                    .getDouble();
                }
            }
        }
        tensors.close();
        for (String n : scratch.names()) {
            scratch.get(n).close();
        }
        if (grad != null) {
            grad.divi(batches);
        }
        return new Objective(loss / batches, grad);
    }

    /** Accuracy in evaluation mode (running statistics). */
    static double accuracy(
            FunctionalModel model, NDArray w, ModelState state, LabeledImages data, int batch) {
        Accuracy.Counter acc = new Accuracy.Counter();
        NDManager home = w.getManager();
        LabeledImages.Tensors tensors = data.upload(home);
        for (int from = 0; from < data.size(); from += batch) {
            int to = Math.min(data.size(), from + batch);
            try (NDManager sm = home.newSubManager()) {
                w.tempAttach(sm);
                NDList xy = tensors.batch(sm, from, to);
                acc.add(
                        model.forward(w, xy.get(0).toType(w.getDataType(), false), state, false),
                        xy.get(1));
            }
        }
        tensors.close();
        return acc.value();
    }

    /**
     * The outer objective's value and gradient.
     *
     * @param loss the validation loss
     * @param gradient its gradient with respect to the final weights, or null
     */
    record Objective(double loss, NDArray gradient) {}
}

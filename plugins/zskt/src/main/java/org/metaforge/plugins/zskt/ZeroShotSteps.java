package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.metaforge.sdk.nn.FunctionalModel;
import org.metaforge.sdk.nn.ModelState;

/**
 * The two objectives of adversarial belief matching, as functions of the weights they train.
 *
 * <p>The generator maximises the teacher-student divergence on its samples, so its loss is the
 * negated divergence (eq. 2 of the paper); the student minimises the divergence plus attention
 * transfer (eq. 3). Both nets see the samples: the teacher in eval mode, the student in training
 * mode (its batch-norm buffers move, as in the authors' code).
 */
final class ZeroShotSteps {

    private ZeroShotSteps() {}

    /** {@code -kl(student(G(z)), teacher(G(z)))}, differentiable in {@code gw}. */
    static NDArray generatorLoss(
            FunctionalModel generator,
            NDArray gw,
            ModelState gState,
            NDArray z,
            Teacher teacher,
            NDArray tw,
            Net student,
            NDArray sw,
            ModelState sState,
            double temperature) {
        NDArray x = generator.forward(gw, z, gState, true);
        NDArray t = teacher.net().logits(tw, x, teacher.state(), false);
        NDArray s = student.logits(sw, x, sState, true);
        return TransferLosses.kl(s, t, temperature).neg();
    }

    /**
     * {@code kl(student(x), teacher) + beta * attention distance}, differentiable in {@code sw}.
     *
     * @param teacherOut the teacher's {@code [logits, taps...]} on {@code x}, without a graph
     */
    static NDArray studentLoss(
            Net student,
            NDArray sw,
            ModelState sState,
            NDArray x,
            NDList teacherOut,
            double temperature,
            double beta) {
        NDList s = student.forward(sw, x, sState, true);
        NDArray loss = TransferLosses.kl(s.get(0), teacherOut.get(0), temperature);
        NDArray at = TransferLosses.attentionLoss(s, teacherOut, beta);
        return at == null ? loss : loss.add(at);
    }
}

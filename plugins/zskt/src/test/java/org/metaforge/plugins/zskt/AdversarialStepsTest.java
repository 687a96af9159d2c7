package org.metaforge.plugins.zskt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;

/**
 * The two players move the divergence the way the method needs: generator steps raise it on the
 * generated samples, student steps lower it.
 */
class AdversarialStepsTest {

    @Test
    void generatorStepsRaiseAndStudentStepsLowerTheDivergence() {
        Autodiff ad = new FirstOrderAutodiff();
        try (NDManager m = NDManager.newBaseManager()) {
            Sequential g = Generator.create(8, Fixtures.IMAGE);
            NDArray gw = g.initialParameters(m, 1);
            ModelState gState = g.newState(m);
            Teacher teacher = Fixtures.teacher(m, 2, false);
            Net student = Fixtures.lenet();
            NDArray sw = student.model().initialParameters(m, 3);
            ModelState sState = student.model().newState(m);
            NDArray z = ZeroShotDistiller.noise(m, 16, 8, 4);

            double before = divergence(g, gw, gState, z, teacher, student, sw, sState);
            NDArray gm = gw.zerosLike();
            NDArray gv = gw.zerosLike();
            for (int t = 1; t <= 5; t++) {
                NDArray grad;
                try (Autodiff.Tape tape = ad.tape()) {
                    NDArray gr = ad.requireGradient(gw);
                    NDArray loss =
                            ZeroShotSteps.generatorLoss(
                                    g, gr, gState, z, teacher, teacher.w(), student, sw, sState, 1);
                    grad = ad.gradient(loss, new NDList(gr), false).get(0);
                }
                Adam.clip(grad, 5);
                Adam.step(gw, gm, gv, grad, t, 1e-2);
            }
            double afterGenerator = divergence(g, gw, gState, z, teacher, student, sw, sState);
            assertTrue(afterGenerator > before, before + " -> " + afterGenerator);

            NDArray x = g.forward(gw, z, gState, true);
            NDList tOut = teacher.net().forward(teacher.w(), x, teacher.state(), false);
            NDArray sm = sw.zerosLike();
            NDArray sv = sw.zerosLike();
            for (int t = 1; t <= 5; t++) {
                NDArray grad;
                try (Autodiff.Tape tape = ad.tape()) {
                    NDArray sr = ad.requireGradient(sw);
                    NDArray loss = ZeroShotSteps.studentLoss(student, sr, sState, x, tOut, 1, 0);
                    grad = ad.gradient(loss, new NDList(sr), false).get(0);
                }
                Adam.clip(grad, 5);
                Adam.step(sw, sm, sv, grad, t, 2e-3);
            }
            double afterStudent = divergence(g, gw, gState, z, teacher, student, sw, sState);
            assertTrue(afterStudent < afterGenerator, afterGenerator + " -> " + afterStudent);
        }
    }

    private static double divergence(
            Sequential g,
            NDArray gw,
            ModelState gState,
            NDArray z,
            Teacher teacher,
            Net student,
            NDArray sw,
            ModelState sState) {
        NDArray x = g.forward(gw, z, gState, true);
        NDArray t = teacher.net().logits(teacher.w(), x, teacher.state(), false);
        NDArray s = student.logits(sw, x, sState, true);
        return TransferLosses.kl(s, t, 1)
                .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                .getDouble();
    }
}

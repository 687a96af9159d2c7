package org.metaforge.plugins.zskt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.nn.LeNet5;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.Network;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;

/**
 * The two players move the divergence the way the method needs: generator steps raise it on the
 * generated samples, student steps lower it.
 */
class AdversarialStepsTest {

    @Test
    void generatorStepsRaiseAndStudentStepsLowerTheDivergence() {
        try (NDManager m = NDManager.newBaseManager()) {
            Teacher teacher = Fixtures.teacher(m, 2, false);
            play(m, teacher, Fixtures.lenet(), 0);
        }
    }

    /**
     * The same with Wide-ResNets, a small version of the paper's pairing (a WRN-10-2 teacher, a
     * WRN-10-1 student), and attention transfer on: their three groups' outputs are matched tap by
     * tap, and the student steps lower the attention distance too.
     */
    @Test
    void wideResNetsPlayTheSameGameWithAttentionOnTheirThreeGroups() {
        try (NDManager m = NDManager.newBaseManager()) {
            Net teacherNet = Net.build(Network.WRN, Fixtures.IMAGE, 4, List.of(), false, 10, 2);
            Net studentNet = Net.build(Network.WRN, Fixtures.IMAGE, 4, List.of(), false, 10, 1);
            assertEquals(3, studentNet.taps().size());
            assertTrue(studentNet.attentionCompatible(teacherNet));
            // the groups' outputs: 16 x 16, 8 x 8, 4 x 4 for 16 x 16 images
            assertEquals(
                    List.of(16L, 8L, 4L),
                    studentNet.tapShapes().stream().map(sh -> sh.get(1)).toList());
            Teacher teacher =
                    new Teacher(
                            teacherNet,
                            teacherNet.model().initialParameters(m, 2),
                            teacherNet.model().newState(m),
                            Fixtures.TEACHER_KEY,
                            RunResult.builder().build(),
                            false);
            play(m, teacher, studentNet, 250);
        }
    }

    /**
     * A LeNet teacher of width 2, rebuilt from its {@code baselines/sgd} config as {@link
     * Teacher#obtain} does, is four times the LeNet-5 student (244,362 against 61,706 parameters on
     * 28x28) and still pairs with it tap by tap: attention maps average over channels, so only the
     * pooling outputs' spatial sizes (14x14, 5x5) must agree.
     */
    @Test
    void aWiderLenetTeacherPairsWithTheLenetStudent() {
        Net teacherNet =
                Teacher.network(Map.of("model", "lenet", "lenet-width", 2), LeNet5.MNIST_INPUT, 10);
        Net studentNet = Net.build(Network.LENET, LeNet5.MNIST_INPUT, 10, List.of(), false, 16, 1);
        assertEquals(244_362, teacherNet.model().parameterCount());
        assertEquals(61_706, studentNet.model().parameterCount());
        assertTrue(studentNet.attentionCompatible(teacherNet));
        assertEquals(
                List.of(14L, 5L), teacherNet.tapShapes().stream().map(sh -> sh.get(1)).toList());
        assertEquals(
                List.of(12L, 32L), teacherNet.tapShapes().stream().map(sh -> sh.get(0)).toList());
    }

    /**
     * Five generator steps must raise the divergence on fixed noise; then five student steps on the
     * generated batch (KL plus {@code beta} times attention) must lower it again.
     */
    private static void play(NDManager m, Teacher teacher, Net student, double beta) {
        Autodiff ad = new FirstOrderAutodiff();
        Sequential g = Generator.create(8, Fixtures.IMAGE);
        NDArray gw = g.initialParameters(m, 1);
        ModelState gState = g.newState(m);
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
        assertEquals(1 + student.taps().size(), tOut.size());
        double attentionBefore = attention(student, sw, sState, x, tOut, beta);
        NDArray sm = sw.zerosLike();
        NDArray sv = sw.zerosLike();
        for (int t = 1; t <= 5; t++) {
            NDArray grad;
            try (Autodiff.Tape tape = ad.tape()) {
                NDArray sr = ad.requireGradient(sw);
                NDArray loss = ZeroShotSteps.studentLoss(student, sr, sState, x, tOut, 1, beta);
                grad = ad.gradient(loss, new NDList(sr), false).get(0);
            }
            Adam.clip(grad, 5);
            Adam.step(sw, sm, sv, grad, t, 2e-3);
        }
        double afterStudent = divergence(g, gw, gState, z, teacher, student, sw, sState);
        assertTrue(afterStudent < afterGenerator, afterGenerator + " -> " + afterStudent);
        if (beta > 0) {
            double attentionAfter = attention(student, sw, sState, x, tOut, beta);
            assertTrue(attentionBefore > 0, "attention term " + attentionBefore);
            assertTrue(attentionAfter < attentionBefore, attentionBefore + " -> " + attentionAfter);
        }
    }

    /** The attention-transfer term of the student's loss on {@code x}, or 0 without one. */
    private static double attention(
            Net student, NDArray sw, ModelState sState, NDArray x, NDList tOut, double beta) {
        NDArray at = TransferLosses.attentionLoss(student.forward(sw, x, sState, true), tOut, beta);
        return at == null ? 0 : at.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
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

package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Seeds;
import org.metaforge.sdk.run.Task;

/**
 * The final measurements every zskt distiller reports: teacher and student accuracy, their
 * agreement on the evaluation set, and optionally transition curves with the MTE.
 */
final class Assessment {

    /** Curves that move together in one batch of transition steps. */
    static final int TRANSITION_CHUNK = 300;

    /**
     * What transition curves to compute.
     *
     * @param enabled whether to compute them
     * @param images how many agreed-on evaluation images
     * @param steps adversarial steps per curve
     * @param stepSize adversarial step size
     */
    record TransitionOptions(boolean enabled, int images, int steps, double stepSize) {}

    private Assessment() {}

    /**
     * Adds {@code <eval>_accuracy} (student), {@code teacher_<eval>_accuracy}, {@code agreement},
     * parameter counts, the teacher's provenance, and with transition curves {@code mte} and the
     * {@code transition-curves} plot.
     */
    static void report(
            RunContext ctx,
            RunResult.Builder out,
            Teacher teacher,
            Net student,
            NDArray sw,
            ModelState sState,
            Task task,
            int evalBatch,
            TransitionOptions transition) {
        NDManager run = ctx.manager();
        String eval = task.evalName();
        LabeledImages data = task.eval();
        try (LabeledImages.Tensors tensors = data.upload(run)) {
            int[] t =
                    Predictions.of(
                            teacher.net(),
                            teacher.w(),
                            teacher.state(),
                            tensors,
                            data.size(),
                            evalBatch,
                            run);
            int[] s = Predictions.of(student, sw, sState, tensors, data.size(), evalBatch, run);
            out.metric(eval + "_accuracy", Predictions.accuracy(s, data));
            out.metric("teacher_" + eval + "_accuracy", Predictions.accuracy(t, data));
            out.metric("agreement", Predictions.agreement(s, t));
            out.metric("student_parameters", student.model().parameterCount());
            out.metric("teacher_parameters", teacher.net().model().parameterCount());
            Map<String, Object> prov = new LinkedHashMap<>();
            prov.put("trial-key", teacher.key());
            prov.put("component", Teacher.LEARNER);
            prov.put("from-store", teacher.cached());
            out.artifact("teacher", prov);
            out.event(
                    "teacher "
                            + Teacher.LEARNER
                            + " trial "
                            + teacher.key()
                            + (teacher.cached() ? " answered from the store" : " trained"));
            if (transition.enabled()) {
                transitions(
                        ctx, out, teacher, student, sw, sState, data, tensors, s, t, transition);
            }
        }
    }

    private static void transitions(
            RunContext ctx,
            RunResult.Builder out,
            Teacher teacher,
            Net student,
            NDArray sw,
            ModelState sState,
            LabeledImages data,
            LabeledImages.Tensors tensors,
            int[] s,
            int[] t,
            TransitionOptions o) {
        int[] order = Seeds.permutation(data.size(), new Random(ctx.seeds().derive("transition")));
        List<Integer> chosen = new ArrayList<>();
        for (int i : order) {
            if (s[i] == t[i]) {
                chosen.add(i);
                if (chosen.size() == o.images()) {
                    break;
                }
            }
        }
        if (chosen.size() < o.images()) {
            throw new RunFailedException(
                    "Transition curves need "
                            + o.images()
                            + " evaluation images on which student and teacher agree; there are"
                            + " only "
                            + chosen.size()
                            + ". Lower transition-images.");
        }
        int[] idx = chosen.stream().mapToInt(Integer::intValue).toArray();
        int[] cls = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            cls[i] = t[idx[i]];
        }
        NDManager run = ctx.manager();
        try (NDManager sm = run.newSubManager()) {
            NDArray images = tensors.pixels().get(new NDIndex("{}", sm.create(idx)));
            images.attach(sm);
            TransitionCurves c =
                    TransitionCurves.compute(
                            ctx.autodiff(),
                            new TransitionCurves.Side(student, sw, sState),
                            new TransitionCurves.Side(teacher.net(), teacher.w(), teacher.state()),
                            images,
                            cls,
                            data.numClasses(),
                            o.steps(),
                            o.stepSize(),
                            TRANSITION_CHUNK,
                            sm);
            double[] x = new double[o.steps()];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
            }
            out.metric("mte", c.mte());
            out.metric("transition_curves", c.curves());
            out.plot(
                    "transition-curves",
                    new Plot(
                            "Mean transition curves (adversarial steps on the student)",
                            "adversarial step",
                            "mean p_j",
                            List.of(
                                    new Plot.Series("student (A)", x, c.meanA()),
                                    new Plot.Series("teacher (B)", x, c.meanB()))));
        }
    }
}

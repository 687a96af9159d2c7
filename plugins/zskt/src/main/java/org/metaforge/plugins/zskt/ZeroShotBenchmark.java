package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.metaforge.plugins.zskt.ZeroShotDistiller.PseudoBatch;
import org.metaforge.plugins.zskt.ZeroShotDistiller.State;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;

/**
 * Measures pseudo-batches per second of {@code zskt/zero-shot} at the spec's configuration, split
 * into the generator phase (n_G steps), the generation of the student's batch (the generator and
 * the teacher forward once, no graph) and the student phase (n_S steps), in two modes measured in
 * one run: the batch generated once per pseudo-batch (what the distiller does), and regenerated for
 * every student step with a graph into the generator whose gradient is computed and thrown away
 * (what the authors' loop does; the images are the same). Each phase is timed by the wall clock and
 * by the CPU time of the whole process, which a busy machine disturbs less.
 *
 * <p>The teacher gets random weights (the speed of a step does not depend on them), so no teacher
 * trial is run; nothing is stored. Both modes start from the same initial state.
 */
final class ZeroShotBenchmark {

    static final int WARMUP = 2;
    static final int MEASURED = 5;

    private ZeroShotBenchmark() {}

    /**
     * Milliseconds per pseudo-batch of one mode and one clock, averaged over the measured ones.
     *
     * @param generatorMs the n_G generator steps
     * @param batchMs generating the student's batch and the teacher's outputs on it
     * @param studentMs the n_S student steps
     */
    record Timing(double generatorMs, double batchMs, double studentMs) {
        double totalMs() {
            return generatorMs + batchMs + studentMs;
        }

        double perSecond() {
            return 1000 / totalMs();
        }
    }

    /** Wall-clock and process CPU timings of one mode; CPU is null where the JVM cannot tell. */
    record Timings(Timing wall, Timing cpu) {}

    static RunResult run(RunContext ctx, ZeroShotConfig c, Task task) {
        return run(ctx, c, task, WARMUP, MEASURED);
    }

    static RunResult run(RunContext ctx, ZeroShotConfig c, Task task, int warmup, int measured) {
        Shape image = task.eval().sampleShape();
        int classes = task.eval().numClasses();
        NDManager run = ctx.manager();
        Net teacherNet = Teacher.network(c.teacher(), image, classes);
        Teacher teacher =
                new Teacher(
                        teacherNet,
                        teacherNet.model().initialParameters(run, ctx.seeds().derive("teacher")),
                        teacherNet.model().newState(run),
                        "untrained",
                        RunResult.builder().build(),
                        false);
        Net student =
                Net.build(
                        c.studentModel(),
                        image,
                        classes,
                        c.studentHidden(),
                        c.studentBatchNorm(),
                        c.studentWrnDepth(),
                        c.studentWrnWiden());
        Sequential generator = Generator.create(c.zDim(), image);
        long tp = teacherNet.model().parameterCount();
        long sp = student.model().parameterCount();
        long gp = generator.parameterCount();

        List<String> lines = new ArrayList<>();
        lines.add(
                String.format(
                        Locale.ROOT,
                        "zskt/zero-shot, images %s, %d classes, batch %d, n_G %d, n_S %d, z %d,"
                                + " beta %s, T %s",
                        shapeText(image),
                        classes,
                        c.batchSize(),
                        c.generatorSteps(),
                        c.studentSteps(),
                        c.zDim(),
                        number(c.beta()),
                        number(c.temperature())));
        lines.add(
                String.format(
                        Locale.ROOT,
                        "parameters: teacher %s %,d, student %s %,d, generator %,d",
                        teacherText(c),
                        tp,
                        c.studentModel().name().toLowerCase(Locale.ROOT),
                        sp,
                        gp));
        lines.add(
                "teacher with random weights (untrained: a step's speed does not depend on them);"
                        + " nothing is stored");
        lines.add(
                String.format(
                        Locale.ROOT,
                        "%d warm-up + %d measured pseudo-batches per mode; ms per pseudo-batch, wall"
                                + " clock and CPU time of this process (on a busy machine, CPU is"
                                + " the steadier figure):",
                        warmup,
                        measured));
        lines.add(
                String.format(
                        Locale.ROOT,
                        "  %-28s %-5s %10s %10s %10s %10s %9s",
                        "mode",
                        "clock",
                        "generator",
                        "batch",
                        "student",
                        "total",
                        "pb/s"));

        Timings once;
        Timings regen;
        try (Progress progress =
                ctx.progress("zskt benchmark", 2L * (warmup + measured), "pseudo-batch")) {
            once = measure(ctx, c, generator, teacher, student, false, warmup, measured, progress);
            regen = measure(ctx, c, generator, teacher, student, true, warmup, measured, progress);
        }
        rows(lines, "generated once (this code)", once);
        rows(lines, "regenerated per student step", regen);
        double ratio = regen.wall().totalMs() / once.wall().totalMs();
        lines.add(
                String.format(
                        Locale.ROOT,
                        "regenerated / once: %.2fx wall%s",
                        ratio,
                        once.cpu() == null
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        ", %.2fx CPU",
                                        regen.cpu().totalMs() / once.cpu().totalMs())));

        RunResult.Builder out =
                RunResult.builder()
                        .metric("teacher_parameters", tp)
                        .metric("student_parameters", sp)
                        .metric("generator_parameters", gp);
        metrics(out, "once", once.wall());
        metrics(out, "regenerate", regen.wall());
        if (once.cpu() != null) {
            metrics(out, "once_cpu", once.cpu());
            metrics(out, "regenerate_cpu", regen.cpu());
            out.metric("regenerate_once_cpu_ratio", regen.cpu().totalMs() / once.cpu().totalMs());
        }
        out.metric("regenerate_once_ratio", ratio);
        lines.forEach(ctx::info);
        return out.artifact("lines", lines).build();
    }

    private static Timings measure(
            RunContext ctx,
            ZeroShotConfig c,
            Sequential generator,
            Teacher teacher,
            Net student,
            boolean regenerate,
            int warmup,
            int measured,
            Progress progress) {
        Autodiff ad = ctx.autodiff();
        NDManager run = ctx.manager();
        State s = ZeroShotDistiller.fresh(ctx, generator, student, run);
        double[] wall = new double[3];
        double[] cpu = new double[3];
        long[] w = new long[4];
        long[] u = new long[4];
        for (int p = 0; p < warmup + measured; p++) {
            ctx.checkCancelled();
            try (NDManager pm = run.newSubManager()) {
                NDArray z =
                        ZeroShotDistiller.noise(pm, c.batchSize(), c.zDim(), s.noiseSeed(s.done));
                stamp(w, u, 0);
                ZeroShotDistiller.generatorPhase(ad, c, generator, teacher, student, s, z, pm);
                sync(s.gw, pm);
                stamp(w, u, 1);
                PseudoBatch batch = PseudoBatch.of(generator, teacher, s, z, pm);
                sync(batch.x(), pm);
                stamp(w, u, 2);
                if (regenerate) {
                    regeneratingStudentPhase(ad, c, generator, student, s, z, batch, pm);
                } else {
                    ZeroShotDistiller.studentPhase(ad, c, student, s, batch, pm);
                }
                sync(s.sw, pm);
                stamp(w, u, 3);
            }
            if (p >= warmup) {
                for (int k = 0; k < 3; k++) {
                    wall[k] += (w[k + 1] - w[k]) / 1e6 / measured;
                    cpu[k] += (u[k + 1] - u[k]) / 1e6 / measured;
                }
            }
            s.done++;
            progress.step(1);
        }
        return new Timings(
                new Timing(wall[0], wall[1], wall[2]),
                u[0] < 0 ? null : new Timing(cpu[0], cpu[1], cpu[2]));
    }

    private static void stamp(long[] wall, long[] cpu, int k) {
        wall[k] = System.nanoTime();
        cpu[k] = processCpuNanos();
    }

    /** CPU time of the whole process (every thread) in nanoseconds, or -1 if unavailable. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * The student phase as the authors' loop runs it: every step recomputes {@code G(z)} in
     * training mode with a graph into the generator and backpropagates into it too (that gradient
     * is discarded); the teacher's outputs are those of the pseudo-batch's batch.
     */
    static void regeneratingStudentPhase(
            Autodiff ad,
            ZeroShotConfig c,
            Sequential generator,
            Net student,
            State s,
            NDArray z,
            PseudoBatch batch,
            NDManager pm) {
        double lrS = Adam.cosine(c.studentLr(), s.done, c.pseudoBatches());
        for (int i = 0; i < c.studentSteps(); i++) {
            try (NDManager sm = pm.newSubManager()) {
                ZeroShotDistiller.attach(sm, s.gw, s.sw, s.sm, s.sv, z);
                NDArray grad;
                try (Autodiff.Tape tape = ad.tape()) {
                    NDArray gr = ad.requireGradient(s.gw);
                    gr.attach(sm);
                    NDArray sr = ad.requireGradient(s.sw);
                    sr.attach(sm);
                    NDArray x = generator.forward(gr, z, s.gState, true);
                    NDArray loss =
                            ZeroShotSteps.studentLoss(
                                    student,
                                    sr,
                                    s.sState,
                                    x,
                                    batch.teacherOut(),
                                    c.temperature(),
                                    c.beta());
                    s.studentLoss = ZeroShotDistiller.scalar(loss);
                    grad = ad.gradient(loss, new NDList(sr, gr), false).get(0);
                }
                Adam.clip(grad, c.clip());
                Adam.step(s.sw, s.sm, s.sv, grad, ++s.studentSteps, lrS);
            }
        }
    }

    /** Waits for queued device work on {@code a} (a no-op cost on CPU, where ops are eager). */
    private static void sync(NDArray a, NDManager pm) {
        try (NDManager sm = pm.newSubManager()) {
            a.tempAttach(sm);
            a.get(0).toFloatArray();
        }
    }

    private static void metrics(RunResult.Builder out, String mode, Timing t) {
        out.metric(mode + "_generator_ms", t.generatorMs())
                .metric(mode + "_batch_ms", t.batchMs())
                .metric(mode + "_student_ms", t.studentMs())
                .metric(mode + "_pseudo_batch_ms", t.totalMs())
                .metric(mode + "_pseudo_batches_per_s", t.perSecond());
    }

    private static void rows(List<String> lines, String mode, Timings t) {
        lines.add(row(mode, "wall", t.wall()));
        if (t.cpu() != null) {
            lines.add(row("", "CPU", t.cpu()));
        }
    }

    private static String row(String mode, String clock, Timing t) {
        return String.format(
                Locale.ROOT,
                "  %-28s %-5s %10.1f %10.1f %10.1f %10.1f %9.3f",
                mode,
                clock,
                t.generatorMs(),
                t.batchMs(),
                t.studentMs(),
                t.totalMs(),
                t.perSecond());
    }

    private static String teacherText(ZeroShotConfig c) {
        return String.valueOf(c.teacher().getOrDefault("model", "mlp")).toLowerCase(Locale.ROOT);
    }

    private static String shapeText(Shape s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.dimension(); i++) {
            b.append(i == 0 ? "" : "x").append(s.get(i));
        }
        return b.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}

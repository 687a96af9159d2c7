package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.metaforge.sdk.Benchmarked;
import org.metaforge.sdk.Distiller;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.config.Validation;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.ModelWeights;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.pf4j.Extension;

/**
 * Zero-shot knowledge transfer by adversarial belief matching (Micaelli and Storkey, NeurIPS 2019).
 *
 * <p>A generator maps noise to pseudo-images on which the student disagrees most with the teacher;
 * the student learns to agree with the teacher on them. Each pseudo-batch draws fresh noise, takes
 * {@code n_G} generator steps, regenerates the batch once with the updated generator (the authors
 * regenerate it for every student step; the images are the same and the student steps' gradients
 * into the generator are discarded anyway), then takes {@code n_S} student steps. Adam with
 * gradient-norm clipping for both, learning rates on a cosine to zero over the pseudo-batches. The
 * teacher is a {@code baselines/sgd} trial; this component never reads {@code task.train()} itself.
 * A checkpoint every {@code checkpoint-every} pseudo-batches holds both networks, their buffers,
 * both Adam states and the counters; a killed run resumes there with the same results.
 */
@Extension
public class ZeroShotDistiller implements Distiller<ZeroShotConfig>, Benchmarked<ZeroShotConfig> {

    static final String CHECKPOINT = "zero-shot";

    /** The artefact holding the trained student ({@link ModelWeights}). */
    static final String MODEL_ARTIFACT = "model";

    /** Samples shown in each grid of generated images. */
    static final int GRID_SAMPLES = 36;

    /** A divergence above this means the run blew up (the KL of softmaxes is rarely above 10). */
    static final double DIVERGED = 1e4;

    @Override
    public String name() {
        return "zero-shot";
    }

    @Override
    public String description() {
        return "Zero-shot knowledge transfer: a generator seeks pseudo-data where the student"
                + " disagrees with a baselines/sgd teacher; the student learns to agree there.";
    }

    @Override
    public Class<ZeroShotConfig> configType() {
        return ZeroShotConfig.class;
    }

    @Override
    public void validate(ZeroShotConfig config, Validation validation) {
        validation.component("teacher", Teacher.LEARNER, config.teacher());
        try {
            Teacher.parseNetwork(config.teacher().getOrDefault("model", "mlp"));
        } catch (IllegalArgumentException e) {
            validation.problem("teacher", e.getMessage());
        }
    }

    @Override
    public RunResult distill(RunContext ctx, ZeroShotConfig config, Task task) {
        // before the teacher is trained: the teacher takes the evaluation images' shape
        PixelScale pixels;
        try {
            pixels = config.pixelScale((int) task.eval().sampleShape().get(0));
        } catch (IllegalArgumentException e) {
            throw new RunFailedException("config of zskt/zero-shot: " + e.getMessage() + ".");
        }
        Teacher teacher = Teacher.obtain(ctx, config.teacher(), task);
        Shape image = teacher.net().model().inputShape();
        int classes = (int) teacher.net().model().outputShape().get(0);
        Net student =
                Net.build(
                        config.studentModel(),
                        image,
                        classes,
                        config.studentHidden(),
                        config.studentBatchNorm(),
                        config.studentWrnDepth(),
                        config.studentWrnWiden());
        if (config.beta() > 0 && !student.attentionCompatible(teacher.net())) {
            throw new RunFailedException(
                    "Attention transfer (beta "
                            + config.beta()
                            + ") needs student and teacher block outputs of equal spatial sizes;"
                            + " use two Wide-ResNets or two LeNets, or set beta: 0.");
        }
        Sequential generator = Generator.create(config.zDim(), image, pixels);
        NDManager run = ctx.manager();
        State s = resume(ctx, generator, student, run);
        Autodiff ad = ctx.autodiff();
        LabeledImages eval = task.eval();
        long total = config.pseudoBatches();
        try (LabeledImages.Tensors evalData = eval.upload(run);
                Progress progress =
                        ctx.progress(
                                "zero-shot " + student.model().parameterCount() + " params",
                                total,
                                "pseudo-batch")) {
            progress.step(s.done);
            while (s.done < total) {
                ctx.checkCancelled();
                pseudoBatch(ad, config, generator, teacher, student, s, run);
                s.done++;
                progress.step(1);
                if (!Double.isFinite(s.studentLoss) || Math.abs(s.studentLoss) > DIVERGED) {
                    throw new RunFailedException(
                            String.format(
                                    Locale.ROOT,
                                    "Zero-shot training diverged at pseudo-batch %d (student loss"
                                            + " %s); lower student-lr or generator-lr.",
                                    s.done,
                                    s.studentLoss));
                }
                if (s.done % config.evalEvery() == 0 || s.done == total) {
                    int[] p =
                            Predictions.of(
                                    student,
                                    s.sw,
                                    s.sState,
                                    evalData,
                                    eval.size(),
                                    config.evalBatchSize(),
                                    run);
                    double acc = Predictions.accuracy(p, eval);
                    s.curve.add(new double[] {s.done, acc, s.generatorLoss, s.studentLoss});
                    progress.status(
                            String.format(
                                    Locale.ROOT,
                                    "%s acc %.4f, KL %.4f",
                                    task.evalName(),
                                    acc,
                                    -s.generatorLoss));
                }
                if (config.gridAt(s.done)) {
                    ctx.artifacts()
                            .save(
                                    "samples-" + s.done + ".png",
                                    grid(generator, s.gw, s.gState, config.zDim(), ctx, run));
                    s.grids.add(s.done);
                }
                if (s.done % config.checkpointEvery() == 0 && s.done < total) {
                    ctx.checkpoints().save(CHECKPOINT, s.encode(run));
                }
            }
        }
        ctx.artifacts().save(MODEL_ARTIFACT, new ModelWeights(s.sw, s.sState).encode());
        RunResult.Builder out = RunResult.builder();
        Assessment.report(
                ctx,
                out,
                teacher,
                student,
                s.sw,
                s.sState,
                task,
                config.evalBatchSize(),
                new Assessment.TransitionOptions(
                        config.transitionCurves(),
                        config.transitionImages(),
                        config.transitionSteps(),
                        config.transitionStepSize()));
        return curves(out, s, task.evalName(), teacher).build();
    }

    /**
     * Pseudo-batches per second at this configuration, generator and student phases apart, the
     * batch generated once against once per student step; random teacher weights, nothing stored.
     */
    @Override
    public RunResult benchmark(RunContext ctx, ZeroShotConfig config, Task task) {
        return ZeroShotBenchmark.run(ctx, config, task);
    }

    /** One pseudo-batch: fresh noise, n_G generator steps, one regeneration, n_S student steps. */
    static void pseudoBatch(
            Autodiff ad,
            ZeroShotConfig c,
            Sequential generator,
            Teacher teacher,
            Net student,
            State s,
            NDManager run) {
        try (NDManager pm = run.newSubManager()) {
            NDArray z = noise(pm, c.batchSize(), c.zDim(), s.noiseSeed(s.done));
            generatorPhase(ad, c, generator, teacher, student, s, z, pm);
            PseudoBatch batch = PseudoBatch.of(generator, teacher, s, z, pm);
            studentPhase(ad, c, student, s, batch, pm);
        }
    }

    /** The n_G generator steps of pseudo-batch {@code s.done} on noise {@code z}. */
    static void generatorPhase(
            Autodiff ad,
            ZeroShotConfig c,
            Sequential generator,
            Teacher teacher,
            Net student,
            State s,
            NDArray z,
            NDManager pm) {
        double lrG = Adam.cosine(c.generatorLr(), s.done, c.pseudoBatches());
        for (int i = 0; i < c.generatorSteps(); i++) {
            try (NDManager sm = pm.newSubManager()) {
                attach(sm, s.gw, s.gm, s.gv, s.sw, teacher.w());
                NDArray grad;
                try (Autodiff.Tape tape = ad.tape()) {
                    NDArray gr = ad.requireGradient(s.gw);
                    gr.attach(sm);
                    NDArray loss =
                            ZeroShotSteps.generatorLoss(
                                    generator,
                                    gr,
                                    s.gState,
                                    z,
                                    teacher,
                                    teacher.w(),
                                    student,
                                    s.sw,
                                    s.sState,
                                    c.temperature());
                    s.generatorLoss = scalar(loss);
                    grad = ad.gradient(loss, new NDList(gr), false).get(0);
                }
                Adam.clip(grad, c.clip());
                Adam.step(s.gw, s.gm, s.gv, grad, ++s.generatorSteps, lrG);
            }
        }
    }

    /** The n_S student steps of pseudo-batch {@code s.done}, all on the same generated batch. */
    static void studentPhase(
            Autodiff ad, ZeroShotConfig c, Net student, State s, PseudoBatch batch, NDManager pm) {
        double lrS = Adam.cosine(c.studentLr(), s.done, c.pseudoBatches());
        for (int i = 0; i < c.studentSteps(); i++) {
            try (NDManager sm = pm.newSubManager()) {
                attach(sm, s.sw, s.sm, s.sv);
                NDArray grad;
                try (Autodiff.Tape tape = ad.tape()) {
                    NDArray sr = ad.requireGradient(s.sw);
                    sr.attach(sm);
                    NDArray loss =
                            ZeroShotSteps.studentLoss(
                                    student,
                                    sr,
                                    s.sState,
                                    batch.x(),
                                    batch.teacherOut(),
                                    c.temperature(),
                                    c.beta());
                    s.studentLoss = scalar(loss);
                    grad = ad.gradient(loss, new NDList(sr), false).get(0);
                }
                Adam.clip(grad, c.clip());
                Adam.step(s.sw, s.sm, s.sv, grad, ++s.studentSteps, lrS);
            }
        }
    }

    /**
     * The batch the student steps train on: generated once, after the generator steps, without a
     * graph, with the teacher's outputs on it.
     *
     * @param x the generated images
     * @param teacherOut the teacher's {@code [logits, taps...]} on {@code x}
     */
    record PseudoBatch(NDArray x, NDList teacherOut) {

        /** Generates the batch from {@code z} (training mode) onto {@code pm}. */
        static PseudoBatch of(
                Sequential generator, Teacher teacher, State s, NDArray z, NDManager pm) {
            // Everything computed from the run's long-lived arrays lands on this step's manager.
            s.gw.tempAttach(pm);
            NDArray x = generator.forward(s.gw, z, s.gState, true).stopGradient();
            x.attach(pm);
            NDList teacherOut;
            try (NDManager tm = pm.newSubManager()) {
                teacher.w().tempAttach(tm);
                teacherOut = teacher.net().forward(teacher.w(), x, teacher.state(), false);
                for (NDArray a : teacherOut) {
                    a.attach(pm);
                }
            }
            return new PseudoBatch(x, teacherOut);
        }
    }

    static void attach(NDManager sm, NDArray... arrays) {
        for (NDArray a : arrays) {
            a.tempAttach(sm);
        }
    }

    static double scalar(NDArray a) {
        return a.toType(DataType.FLOAT64, false).getDouble();
    }

    /** Standard normal noise {@code (batch, zDim)} from a seeded Java stream (reproducible). */
    static NDArray noise(NDManager manager, int batch, int zDim, long seed) {
        Random rng = new Random(seed);
        float[] v = new float[batch * zDim];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return manager.create(v, new Shape(batch, zDim));
    }

    /** A grid of generated samples, the generator in eval mode, from fixed noise. */
    static byte[] grid(
            Sequential generator,
            NDArray gw,
            ModelState gState,
            int zDim,
            RunContext ctx,
            NDManager run) {
        try (NDManager sm = run.newSubManager()) {
            gw.tempAttach(sm);
            NDArray z = noise(sm, GRID_SAMPLES, zDim, ctx.seeds().derive("grid"));
            NDArray x = generator.forward(gw, z, gState, false);
            Shape sh = x.getShape();
            return SampleGrid.png(
                    x.toFloatArray(),
                    GRID_SAMPLES,
                    (int) sh.get(1),
                    (int) sh.get(2),
                    (int) sh.get(3));
        }
    }

    private static State resume(RunContext ctx, Sequential generator, Net student, NDManager run) {
        Optional<byte[]> saved = ctx.checkpoints().load(CHECKPOINT);
        if (saved.isPresent()) {
            State s = State.decode(run, saved.get(), ctx.seeds().derive("noise"));
            ctx.info(
                    "Resuming zskt/zero-shot from its checkpoint after pseudo-batch "
                            + s.done
                            + ".");
            return s;
        }
        return fresh(ctx, generator, student, run);
    }

    /** The state before the first pseudo-batch: both networks initialised from the run's seeds. */
    static State fresh(RunContext ctx, Sequential generator, Net student, NDManager run) {
        NDArray gw = generator.initialParameters(run, ctx.seeds().derive("generator"));
        NDArray sw = student.model().initialParameters(run, ctx.seeds().derive("student"));
        return new State(
                gw,
                gw.zerosLike(),
                gw.zerosLike(),
                generator.newState(run),
                sw,
                sw.zerosLike(),
                sw.zerosLike(),
                student.model().newState(run),
                ctx.seeds().derive("noise"));
    }

    private static RunResult.Builder curves(
            RunResult.Builder out, State s, String eval, Teacher teacher) {
        int n = s.curve.size();
        double[] x = new double[n];
        double[] acc = new double[n];
        double[] kl = new double[n];
        double[] teacherAcc = new double[n];
        double tAcc = teacher.result().metrics().getOrDefault(eval + "_accuracy", Double.NaN);
        for (int i = 0; i < n; i++) {
            x[i] = s.curve.get(i)[0];
            acc[i] = s.curve.get(i)[1];
            kl[i] = -s.curve.get(i)[2];
            teacherAcc[i] = tAcc;
        }
        out.metric("pseudo_batches", s.done);
        out.metric("generator_divergence", n == 0 ? Double.NaN : kl[n - 1]);
        out.metric("student_loss", s.studentLoss);
        out.plot(
                "accuracy",
                new Plot(
                        "Student " + eval + " accuracy over pseudo-batches",
                        "pseudo-batch",
                        eval + " accuracy",
                        List.of(
                                new Plot.Series("student", x, acc),
                                new Plot.Series("teacher", x, teacherAcc))));
        out.plot(
                "divergence",
                new Plot(
                        "Teacher-student divergence on generated samples (generator step)",
                        "pseudo-batch",
                        "KL",
                        List.of(new Plot.Series("KL", x, kl))));
        List<String> grids = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (long g : s.grids) {
            grids.add("samples-" + g + ".png");
            captions.add("Generated samples after pseudo-batch " + g);
        }
        // binary-artifacts and captions: the names and captions the report shows the grids with
        Map<String, Object> samples = new LinkedHashMap<>();
        samples.put("binary-artifacts", grids);
        samples.put("captions", captions);
        samples.put("pseudo-batches", List.copyOf(s.grids));
        out.artifact("sample-grids", samples);
        return out;
    }

    /** What training carries from pseudo-batch to pseudo-batch, and what a checkpoint holds. */
    static final class State {
        NDArray gw;
        NDArray gm;
        NDArray gv;
        ModelState gState;
        NDArray sw;
        NDArray sm;
        NDArray sv;
        ModelState sState;
        final long noiseMaster;
        long done;
        long generatorSteps;
        long studentSteps;
        double generatorLoss = Double.NaN;
        double studentLoss = Double.NaN;
        final List<double[]> curve = new ArrayList<>();
        final List<Long> grids = new ArrayList<>();

        State(
                NDArray gw,
                NDArray gm,
                NDArray gv,
                ModelState gState,
                NDArray sw,
                NDArray sm,
                NDArray sv,
                ModelState sState,
                long noiseMaster) {
            this.gw = gw;
            this.gm = gm;
            this.gv = gv;
            this.gState = gState;
            this.sw = sw;
            this.sm = sm;
            this.sv = sv;
            this.sState = sState;
            this.noiseMaster = noiseMaster;
        }

        long noiseSeed(long pseudoBatch) {
            return new org.metaforge.sdk.run.Seeds(noiseMaster).derive("z", pseudoBatch);
        }

        byte[] encode(NDManager manager) {
            List<Double> meta = new ArrayList<>();
            meta.add((double) done);
            meta.add((double) generatorSteps);
            meta.add((double) studentSteps);
            meta.add(generatorLoss);
            meta.add(studentLoss);
            meta.add((double) curve.size());
            for (double[] row : curve) {
                for (double v : row) {
                    meta.add(v);
                }
            }
            meta.add((double) grids.size());
            for (long g : grids) {
                meta.add((double) g);
            }
            double[] flat = meta.stream().mapToDouble(Double::doubleValue).toArray();
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("gw", gw);
            arrays.put("gm", gm);
            arrays.put("gv", gv);
            arrays.put("sw", sw);
            arrays.put("sm", sm);
            arrays.put("sv", sv);
            Map<String, ModelState> states = new LinkedHashMap<>();
            states.put("generator", gState);
            states.put("student", sState);
            return new Checkpoint(arrays, flat, states).encode(manager);
        }

        static State decode(NDManager manager, byte[] bytes, long noiseMaster) {
            Checkpoint c =
                    Checkpoint.decode(
                            manager, bytes, "zskt/zero-shot", "gw", "gm", "gv", "sw", "sm", "sv");
            Map<String, NDArray> a = c.arrays();
            State s =
                    new State(
                            a.get("gw"),
                            a.get("gm"),
                            a.get("gv"),
                            c.state("generator"),
                            a.get("sw"),
                            a.get("sm"),
                            a.get("sv"),
                            c.state("student"),
                            noiseMaster);
            double[] m = c.meta();
            int i = 0;
            s.done = (long) m[i++];
            s.generatorSteps = (long) m[i++];
            s.studentSteps = (long) m[i++];
            s.generatorLoss = m[i++];
            s.studentLoss = m[i++];
            int rows = (int) m[i++];
            for (int r = 0; r < rows; r++) {
                s.curve.add(java.util.Arrays.copyOfRange(m, i, i + 4));
                i += 4;
            }
            int g = (int) m[i++];
            for (int k = 0; k < g; k++) {
                s.grids.add((long) m[i++]);
            }
            return s;
        }
    }
}

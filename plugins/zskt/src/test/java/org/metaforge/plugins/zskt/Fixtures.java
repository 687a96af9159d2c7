package org.metaforge.plugins.zskt;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.ModelWeights;
import org.metaforge.sdk.nn.Network;
import org.metaforge.sdk.run.Artifacts;
import org.metaforge.sdk.run.Checkpoints;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;
import org.metaforge.sdk.testkit.SyntheticImages;

/** Tiny tasks, teachers and a run context whose teacher trial is a fixed set of weights. */
final class Fixtures {

    static final Shape IMAGE = new Shape(1, 16, 16);
    static final LabeledImages TRAIN = SyntheticImages.bands("train", 200, 4, 16, 16, 1);
    static final LabeledImages EVAL = SyntheticImages.bands("eval", 80, 4, 16, 16, 2);
    static final Task TASK = new Task(TRAIN, EVAL, "test");
    static final Map<String, Object> TEACHER_CONFIG = Map.of("model", "lenet", "epochs", 1);
    static final String TEACHER_KEY = "teacher-trial";

    private Fixtures() {}

    static Net lenet() {
        return Net.build(Network.LENET, IMAGE, 4, List.of(), false, 16, 1);
    }

    /** A teacher with random LeNet weights of {@code seed} in the given float type. */
    static Teacher teacher(NDManager m, long seed, boolean float64) {
        Net net = lenet();
        NDArray w = net.model().initialParameters(m, seed);
        if (float64) {
            w = w.toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
        }
        ModelState state = net.model().newState(m);
        return new Teacher(net, w, state, TEACHER_KEY, RunResult.builder().build(), false);
    }

    /**
     * A context whose trials answer the teacher with fixed weights, whose checkpoints live in
     * {@code checkpoints}, and which cancels the run at the {@code stopAfter+1}-th check (never for
     * a negative value).
     */
    static final class Context implements RunContext {
        private final NDManager manager;
        private final Map<String, byte[]> checkpoints;
        private final Map<String, byte[]> artifacts = new HashMap<>();
        private final Autodiff autodiff = new FirstOrderAutodiff();
        private int left;

        Context(NDManager manager, Map<String, byte[]> checkpoints, int stopAfter) {
            this.manager = manager;
            this.checkpoints = checkpoints;
            this.left = stopAfter;
            Net net = lenet();
            try (NDManager sm = manager.newSubManager()) {
                NDArray w = net.model().initialParameters(sm, 77);
                artifacts.put(
                        TEACHER_KEY + "/model",
                        new ModelWeights(w, net.model().newState(sm)).encode());
            }
        }

        /** The names of the artefacts this context's run saved. */
        java.util.Set<String> savedArtifacts() {
            java.util.Set<String> out = new java.util.TreeSet<>();
            for (String k : artifacts.keySet()) {
                if (k.startsWith("run/")) {
                    out.add(k.substring("run/".length()));
                }
            }
            return out;
        }

        Optional<byte[]> artifact(String name) {
            return Optional.ofNullable(artifacts.get("run/" + name));
        }

        @Override
        public NDManager manager() {
            return manager;
        }

        @Override
        public Device device() {
            return manager.getDevice();
        }

        @Override
        public long seed() {
            return 5;
        }

        @Override
        public Autodiff autodiff() {
            return autodiff;
        }

        @Override
        public Progress progress(String label, long total, String unit) {
            return Progress.none();
        }

        @Override
        public void info(String message) {}

        @Override
        public Checkpoints checkpoints() {
            return new Checkpoints() {
                @Override
                public void save(String name, byte[] bytes) {
                    checkpoints.put(name, bytes.clone());
                }

                @Override
                public Optional<byte[]> load(String name) {
                    return Optional.ofNullable(checkpoints.get(name));
                }
            };
        }

        @Override
        public Trials trials() {
            return (id, config, task, seed) ->
                    new Trials.TrialResult(
                            RunResult.builder()
                                    .metric("parameters", lenet().model().parameterCount())
                                    .metric("test_accuracy", 0.5)
                                    .build(),
                            true,
                            TEACHER_KEY);
        }

        @Override
        public Artifacts artifacts() {
            return new Artifacts() {
                @Override
                public void save(String name, byte[] bytes) {
                    artifacts.put("run/" + name, bytes.clone());
                }

                @Override
                public Optional<byte[]> load(String runKey, String name) {
                    return Optional.ofNullable(artifacts.get(runKey + "/" + name));
                }
            };
        }

        @Override
        public void checkCancelled() {
            if (left >= 0 && left-- == 0) {
                throw new CancellationException("stopped by the test");
            }
        }
    }
}

package org.metaforge.plugins.zskt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.ModelWeights;
import org.metaforge.sdk.nn.Network;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials;

/**
 * A trained teacher: a {@code baselines/sgd} trial, its network rebuilt and its weights loaded.
 *
 * @param net the network and its attention taps
 * @param w the flat weights
 * @param state the batch-norm buffers (eval mode only: never updated)
 * @param key the trial's cache key (its fingerprint in the student's result)
 * @param result the trial's result
 * @param cached whether the trial came from the store
 */
record Teacher(Net net, NDArray w, ModelState state, String key, RunResult result, boolean cached) {

    /** The component that trains teachers. */
    static final String LEARNER = "baselines/sgd";

    /** The artefact the learner saves its model under. */
    static final String MODEL_ARTIFACT = "model";

    /**
     * Runs (or fetches) the teacher trial and loads its weights onto the run's manager.
     *
     * <p>The network is rebuilt from the trial's configuration with {@code baselines/sgd}'s
     * defaults for absent keys; its parameter count is checked against the trial's.
     */
    static Teacher obtain(RunContext ctx, Map<String, Object> config, Task task) {
        Trials.TrialResult trial =
                ctx.trials().run(LEARNER, config, task, ctx.seeds().derive("teacher"));
        // shapes from the evaluation part: a zero-shot distiller never looks at task.train()
        Net net = network(config, task.eval().sampleShape(), task.eval().numClasses());
        Double trained = trial.result().metrics().get("parameters");
        if (trained != null && trained.longValue() != net.model().parameterCount()) {
            throw new RunFailedException(
                    "The teacher trial has "
                            + trained.longValue()
                            + " parameters but the network rebuilt from its config has "
                            + net.model().parameterCount()
                            + "; the teacher config and "
                            + LEARNER
                            + "'s defaults disagree. Give every network key in 'teacher'.");
        }
        byte[] bytes =
                ctx.artifacts()
                        .load(trial.key(), MODEL_ARTIFACT)
                        .orElseThrow(
                                () ->
                                        new RunFailedException(
                                                "The teacher trial "
                                                        + trial.key()
                                                        + " has no saved model; it was stored by"
                                                        + " an older "
                                                        + LEARNER
                                                        + ". Run with --no-cache."));
        NDManager run = ctx.manager();
        ModelWeights mw = ModelWeights.decode(run, bytes, "the teacher of a zskt distiller");
        return new Teacher(
                net, mw.weights(), mw.state(), trial.key(), trial.result(), trial.cached());
    }

    /**
     * The teacher's network from its {@code baselines/sgd} configuration (keys {@code model,
     * hidden, batch-norm, lenet-width, wrn-depth, wrn-widen}; that learner's defaults where
     * absent).
     */
    static Net network(Map<String, Object> config, Shape input, int classes) {
        Network model = parseNetwork(config.getOrDefault("model", "mlp"));
        List<Integer> hidden = new ArrayList<>();
        Object h = config.getOrDefault("hidden", List.of(256, 128));
        if (h instanceof List<?> l) {
            for (Object o : l) {
                hidden.add(Integer.parseInt(String.valueOf(o).trim()));
            }
        } else {
            for (String s : String.valueOf(h).replace("[", "").replace("]", "").split(",")) {
                if (!s.isBlank()) {
                    hidden.add(Integer.parseInt(s.trim()));
                }
            }
        }
        boolean bn = Boolean.parseBoolean(String.valueOf(config.getOrDefault("batch-norm", false)));
        int depth = intOf(config.getOrDefault("wrn-depth", 16));
        int widen = intOf(config.getOrDefault("wrn-widen", 1));
        double width = Double.parseDouble(String.valueOf(config.getOrDefault("lenet-width", 1)));
        return Net.build(model, input, classes, hidden, bn, depth, widen, width);
    }

    static Network parseNetwork(Object raw) {
        String s = String.valueOf(raw).trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return Network.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "teacher model '" + raw + "' is not one of mlp, lenet, wrn", e);
        }
    }

    private static int intOf(Object o) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        return (int) Double.parseDouble(String.valueOf(o).trim());
    }
}

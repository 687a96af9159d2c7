package org.metaforge.plugins.ldeq.video;

import ai.djl.ndarray.NDArray;
import org.metaforge.plugins.ldeq.model.LdeqNetwork;
import org.metaforge.plugins.ldeq.training.LdeqConfig;
import org.metaforge.plugins.ldeq.training.LdeqLearner;
import org.metaforge.sdk.Learner;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.config.Validation;
import org.metaforge.sdk.nn.ModelWeights;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials;
import org.pf4j.Extension;

/**
 * RwR on synthetic videos with the weights of an earlier {@code ldeq/ldeq} run, so inference
 * settings can be varied without training again. Nothing is trained: use it with {@code dataset:
 * none}.
 */
@Extension
public class RwrEvaluator implements Learner<RwrConfig> {

    @Override
    public String name() {
        return "rwr";
    }

    @Override
    public String description() {
        return "Recurrence without recurrence on synthetic videos with a trained ldeq/ldeq model:"
                + " per-frame, EMA, One-Euro, warm-start and constrained RwR (NME, NMF).";
    }

    @Override
    public boolean readsTaskData() {
        return false;
    }

    @Override
    public Class<RwrConfig> configType() {
        return RwrConfig.class;
    }

    @Override
    public void validate(RwrConfig config, Validation validation) {
        validation.component("solver-config", config.solver(), config.solverConfig());
        validation.component("model-config", "ldeq/ldeq", config.modelConfig());
    }

    @Override
    public RunResult fit(RunContext ctx, RwrConfig config, Task task) {
        LdeqConfig model =
                ConfigSchema.of(LdeqConfig.class).bind(config.modelConfig(), "model-config");
        RunResult.Builder result = RunResult.builder();
        // The model is an ordinary ldeq/ldeq trial: the same configuration and seed give the key
        // of a run of ldeq-synthetic.yaml, so a model trained there is found, not retrained.
        Trials.TrialResult trial =
                ctx.trials().run(LdeqLearner.ID, config.modelConfig(), task, ctx.seed());
        ctx.info(
                (trial.cached() ? "Using the stored" : "Trained the")
                        + " ldeq/ldeq model "
                        + trial.key().substring(0, Math.min(12, trial.key().length()))
                        + " (still-face NME "
                        + String.format(
                                java.util.Locale.ROOT,
                                "%.3f",
                                trial.result().metrics().getOrDefault("test_nme", Double.NaN))
                        + ").");
        byte[] bytes =
                ctx.artifacts()
                        .load(trial.key(), LdeqLearner.MODEL_ARTIFACT)
                        .orElseThrow(
                                () ->
                                        new RunFailedException(
                                                "The stored ldeq/ldeq trial "
                                                        + trial.key()
                                                        + " has no '"
                                                        + LdeqLearner.MODEL_ARTIFACT
                                                        + "' artefact (it predates saving"
                                                        + " models); run again with --no-cache."));
        NDArray params =
                ModelWeights.decode(ctx.manager(), bytes, "model of ldeq/ldeq " + trial.key())
                        .weights();
        LdeqNetwork net = new LdeqNetwork(model.architecture());
        if (params.size() != net.parameterCount()) {
            throw new RunFailedException(
                    "The model of trial "
                            + trial.key()
                            + " has "
                            + params.size()
                            + " parameters but model-config describes "
                            + net.parameterCount()
                            + ".");
        }
        result.metric(
                "model_test_nme", trial.result().metrics().getOrDefault("test_nme", Double.NaN));
        long started = System.nanoTime();
        new VideoEvaluation(
                        ctx,
                        new VideoEvaluation.Settings(
                                config.videos(),
                                config.validationVideos(),
                                config.videoFrames(),
                                config.rwrIterations(),
                                config.rwrGamma(),
                                config.solver(),
                                config.solverConfig(),
                                config.filterTarget(),
                                config.frontierGammas()),
                        net,
                        params,
                        LdeqLearner.faces(model))
                .run(result);
        result.metric("wall_seconds", (System.nanoTime() - started) / 1e9);
        return result.build();
    }
}

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
        byte[] bytes =
                ctx.artifacts()
                        .load(config.modelKey(), LdeqLearner.MODEL_ARTIFACT)
                        .orElseThrow(
                                () ->
                                        new RunFailedException(
                                                "No '"
                                                        + LdeqLearner.MODEL_ARTIFACT
                                                        + "' artefact under key "
                                                        + config.modelKey()
                                                        + "; run ldeq/ldeq first and give its"
                                                        + " full key (metaforge runs)."));
        NDArray params =
                ModelWeights.decode(ctx.manager(), bytes, "model of ldeq/ldeq " + config.modelKey())
                        .weights();
        LdeqNetwork net = new LdeqNetwork(model.architecture());
        if (params.size() != net.parameterCount()) {
            throw new RunFailedException(
                    "The model under key "
                            + config.modelKey()
                            + " has "
                            + params.size()
                            + " parameters but model-config describes "
                            + net.parameterCount()
                            + "; pass the configuration that run was given.");
        }
        RunResult.Builder result = RunResult.builder();
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
                                config.solverConfig()),
                        net,
                        params,
                        LdeqLearner.faces(model))
                .run(result);
        result.metric("wall_seconds", (System.nanoTime() - started) / 1e9);
        return result.build();
    }
}

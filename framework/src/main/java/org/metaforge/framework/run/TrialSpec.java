package org.metaforge.framework.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.metaforge.framework.BadInputException;

/**
 * One trial, resolved: everything a trial runner (another process, another machine) needs to
 * compute the record the parent would have computed itself. Its JSON form, read by {@code metaforge
 * trial}, is
 *
 * <pre>{@code
 * {"format": 1, "name": "baselines/sgd trial 3", "component": "baselines/sgd",
 *  "plugin_version": "0.1.0", "config": {...validated values...}, "seed": 42,
 *  "device": "cpu", "threads": 1, "no_cache": false, "key": "<64 hex digits>",
 *  "task": {"eval_name": "validation",
 *           "train": {"fingerprint": "...", "file": "/tmp/.../<fingerprint>.images"},
 *           "eval":  {"fingerprint": "...", "file": "..."}}}
 * }</pre>
 *
 * <p>{@code key} is the cache key the parent computed; the runner recomputes it from the other
 * fields and refuses the trial if they differ (another plugin version, another thread count), so a
 * record is never stored under a key it does not belong to. The data files hold {@link
 * org.metaforge.sdk.data.LabeledImages} as {@code LabeledImages.write} writes them; the runner
 * checks that they carry the fingerprints named here.
 *
 * @param format the format version, {@link #FORMAT}
 * @param name how logs and errors name the trial, e.g. {@code baselines/sgd trial 3}
 * @param component full component id
 * @param pluginVersion the version of the component's plugin the parent loaded
 * @param config the validated configuration's canonical values
 * @param seed the trial's seed
 * @param device {@code cpu} or {@code gpu:N}
 * @param threads PyTorch intra-op threads the trial runs with (part of the key)
 * @param noCache recompute even if the store has the result
 * @param key the parent's cache key (hex)
 * @param task where the data is
 */
public record TrialSpec(
        int format,
        String name,
        String component,
        @JsonProperty("plugin_version") String pluginVersion,
        Map<String, Object> config,
        long seed,
        String device,
        int threads,
        @JsonProperty("no_cache") boolean noCache,
        String key,
        TaskRef task) {

    /** The current format version. */
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /**
     * Where a trial's data is.
     *
     * @param evalName what the evaluation part is ({@code test}, {@code validation})
     * @param train the training part
     * @param eval the evaluation part
     */
    public record TaskRef(
            @JsonProperty("eval_name") String evalName, DataRef train, DataRef eval) {}

    /**
     * One set of images: its fingerprint, and the file holding it (null until the executor has
     * written it).
     */
    public record DataRef(String fingerprint, String file) {}

    /** This spec with the data files set. */
    public TrialSpec withFiles(String trainFile, String evalFile) {
        return new TrialSpec(
                format,
                name,
                component,
                pluginVersion,
                config,
                seed,
                device,
                threads,
                noCache,
                key,
                new TaskRef(
                        task.evalName(),
                        new DataRef(task.train().fingerprint(), trainFile),
                        new DataRef(task.eval().fingerprint(), evalFile)));
    }

    /** The spec as JSON (UTF-8). */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("Trial spec " + name + " is not JSON-able", e);
        }
    }

    /**
     * Reads and checks a spec.
     *
     * @param where how to name the source in errors (a file name, or "standard input")
     * @throws BadInputException if it is not a complete trial spec of this format
     */
    public static TrialSpec fromJson(byte[] json, String where) throws BadInputException {
        TrialSpec s;
        try {
            s = JSON.readValue(json, TrialSpec.class);
        } catch (IOException e) {
            throw new BadInputException(
                    "The trial spec in "
                            + where
                            + " is not valid: "
                            + e.getMessage().lines().findFirst().orElse("")
                            + ". A trial spec is the JSON object that 'metaforge run --workers'"
                            + " hands its workers (see TrialSpec's documentation).",
                    e);
        }
        if (s == null) {
            throw new BadInputException("The trial spec in " + where + " is empty.");
        }
        List<String> missing = new ArrayList<>();
        if (s.format() != FORMAT) {
            missing.add("format " + FORMAT + " (got " + s.format() + ")");
        }
        check(s.component(), "component", missing);
        check(s.pluginVersion(), "plugin_version", missing);
        check(s.device(), "device", missing);
        check(s.key(), "key", missing);
        if (s.config() == null) {
            missing.add("config");
        }
        if (s.threads() < 1) {
            missing.add("threads >= 1");
        }
        if (s.task() == null
                || s.task().train() == null
                || s.task().eval() == null
                || s.task().evalName() == null) {
            missing.add("task with eval_name, train and eval");
        } else {
            check(s.task().train().file(), "task.train.file", missing);
            check(s.task().train().fingerprint(), "task.train.fingerprint", missing);
            check(s.task().eval().file(), "task.eval.file", missing);
            check(s.task().eval().fingerprint(), "task.eval.fingerprint", missing);
        }
        if (!missing.isEmpty()) {
            throw new BadInputException(
                    "The trial spec in "
                            + where
                            + " lacks "
                            + String.join(", ", missing)
                            + "; it is not a trial spec written by this version of metaforge.");
        }
        return s;
    }

    private static void check(String value, String field, List<String> missing) {
        if (value == null || value.isBlank()) {
            missing.add(field);
        }
    }
}

package org.metaforge.sdk.run;

import java.util.Optional;

/**
 * Binary artefacts (model weights, learned tensors) kept in the store beside run results.
 *
 * <p>An artefact belongs to the computation whose cache key it is saved under, so a trial's weights
 * are found again by the trial's key ({@link Trials.TrialResult#key()}) whenever its result is
 * answered from the store. Each save is durable on return and replaces an older artefact of the
 * same name.
 *
 * <p>Images: a PNG saved under a plain file name ending in {@code .png} (letters, digits, {@code
 * .}, {@code _}, {@code -}) is written beside the run's report and shown in it. To group and
 * caption such images, add a JSON artefact ({@link RunResult.Builder#artifact}) that is a map with
 * a list {@code binary-artifacts} of their names, in the order to show them, and a list {@code
 * captions} of the same length (without it, the map's other lists of that length caption them, e.g.
 * {@code pseudo-batches: [40, 80]}).
 */
public interface Artifacts {

    /** Saves {@code bytes} as the artefact {@code name} of the current run. */
    void save(String name, byte[] bytes);

    /**
     * The artefact {@code name} of the run or trial whose cache key is {@code runKey} (the
     * hexadecimal key of {@link Trials.TrialResult#key()}), if it was saved.
     */
    Optional<byte[]> load(String runKey, String name);
}

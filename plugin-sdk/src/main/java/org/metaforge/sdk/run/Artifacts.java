package org.metaforge.sdk.run;

import java.util.Optional;

/**
 * Binary artefacts (model weights, learned tensors) kept in the store beside run results.
 *
 * <p>An artefact belongs to the computation whose cache key it is saved under, so a trial's weights
 * are found again by the trial's key ({@link Trials.TrialResult#key()}) whenever its result is
 * answered from the store. Each save is durable on return and replaces an older artefact of the
 * same name.
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

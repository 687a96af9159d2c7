package org.metaforge.sdk.run;

import org.metaforge.sdk.data.LabeledImages;

/**
 * The data of one run: what to train on and what to report on.
 *
 * @param train training examples
 * @param eval examples the reported metrics are measured on
 * @param evalName what {@code eval} is ({@code "test"} or {@code "validation"}); metric names are
 *     prefixed with it
 */
public record Task(LabeledImages train, LabeledImages eval, String evalName) {

    /** Validates that both parts are present and agree in shape. */
    public Task {
        if (train == null || eval == null) {
            throw new IllegalArgumentException("A task needs both training and evaluation data.");
        }
        if (!train.sampleShape().equals(eval.sampleShape())) {
            throw new IllegalArgumentException(
                    "Training samples have shape "
                            + train.sampleShape()
                            + " but evaluation samples "
                            + eval.sampleShape());
        }
        if (evalName == null || evalName.isBlank()) {
            throw new IllegalArgumentException("A task's evaluation part needs a name.");
        }
    }
}

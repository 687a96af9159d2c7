package org.metaforge.plugins.baselines;

/**
 * What a test episode's support set is scored on when Prototypical Networks fine-tune their
 * embedding on it before classifying the queries ({@code test-steps} of {@code
 * baselines/protonet}). Both keep the support set's labels and never look at the queries.
 */
public enum FineTuneQueries {
    /**
     * Each support image against the prototypes of the others: its own class's prototype is the
     * mean of the class's other support images (needs at least 2 shots).
     */
    LEAVE_ONE_OUT,
    /**
     * Each support image mirrored left to right against the prototypes of the unmirrored support
     * set (any number of shots; for images whose class a mirror keeps, such as clothing).
     */
    MIRROR
}

package org.metaforge.plugins.baselines;

/**
 * How Prototypical Networks classify an evaluation episode's queries from its (transformed)
 * embeddings ({@code head} of {@code baselines/protonet}). Meta-training always uses the
 * prototypes.
 */
public enum ProtoNetHead {
    /** The nearest prototype by squared Euclidean distance (the method as published). */
    PROTOTYPES,
    /**
     * Multinomial logistic regression fitted on the support embeddings, started from the prototype
     * classifier ({@link LogisticHead}).
     */
    LOGISTIC
}

package org.metaforge.plugins.fds;

/** The hyperparameters of SGD that forward mode can learn. */
enum HyperKind {
    /** Learning rate eta. */
    LR("lr"),
    /** Momentum mu. */
    MOMENTUM("momentum"),
    /** Weight decay lambda. */
    WEIGHT_DECAY("weight-decay");

    /** The key of the matching list in {@code baselines/sgd}'s configuration. */
    final String key;

    HyperKind(String key) {
        this.key = key;
    }
}

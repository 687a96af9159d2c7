package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * How Prototypical Networks transform an evaluation episode's embeddings before the prototypes and
 * distances are computed ({@code feature-transform} of {@code baselines/protonet}). Meta-training
 * never transforms: the embedding is learned as the paper learns it.
 *
 * <p>The transforms are those the few-shot literature applies to nearest-prototype classifiers
 * whose test classes lie far from the training classes: L2 normalisation after subtracting a mean
 * (SimpleShot's CL2N, Wang et al. 2019), after a square root of the non-negative ReLU features (the
 * power transform of Hu, Gripon and Pateux 2021). The mean is that of the episode's support
 * embeddings, so the queries are still classified one by one.
 */
public enum FeatureTransform {
    /** The embeddings as the network outputs them (the method as published). */
    NONE,
    /** Subtract the support embeddings' mean, then scale each embedding to unit L2 norm. */
    CENTRED_L2,
    /** Element-wise square root, then as {@link #CENTRED_L2}. */
    POWER_CENTRED_L2;

    /**
     * The transformed embeddings of an episode.
     *
     * @param embeddings {@code (n, D)}, the support embeddings first; non-negative for {@link
     *     #POWER_CENTRED_L2} (the embedding ends in a ReLU)
     * @param supportCount how many of the first rows are support embeddings
     * @return {@code (n, D)}; {@code embeddings} itself for {@link #NONE}
     */
    NDArray apply(NDArray embeddings, int supportCount) {
        if (this == NONE) {
            return embeddings;
        }
        NDArray e = this == POWER_CENTRED_L2 ? embeddings.sqrt() : embeddings;
        NDArray centred = e.sub(e.get(new NDIndex("0:{}", supportCount)).mean(new int[] {0}, true));
        // The epsilon only guards an all-zero row (an image equal to the support mean).
        return centred.div(centred.norm(new int[] {1}, true).add(1e-12));
    }
}

package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;

/**
 * The classifier of Prototypical Networks (Snell, Swersky and Zemel, 2017) on given embeddings.
 *
 * <p>Every operation is differentiable, so the query loss trains the embedding through both the
 * prototypes and the query embeddings.
 */
final class Prototypes {

    private Prototypes() {}

    /**
     * Class prototypes: the mean embedding of each class's support images (eq. 1 of the paper).
     *
     * @param support support embeddings {@code (ways * shots, D)}, class-major as in {@link
     *     Episode}
     * @return {@code (ways, D)}
     */
    static NDArray of(NDArray support, int ways, int shots) {
        long d = support.getShape().get(1);
        return support.reshape(ways, shots, d).mean(new int[] {1});
    }

    /**
     * Logits of each query for each class: the negative squared Euclidean distance to the class
     * prototype (eq. 2 of the paper, before the softmax).
     *
     * @param query query embeddings {@code (M, D)}
     * @param prototypes {@code (ways, D)}
     * @return {@code (M, ways)}
     */
    static NDArray logits(NDArray query, NDArray prototypes) {
        return query.expandDims(1).sub(prototypes.expandDims(0)).square().sum(new int[] {2}).neg();
    }
}

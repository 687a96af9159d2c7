package org.metaforge.plugins.baselines;

/**
 * One N-way K-shot task: support and query images, as indices into the pool they were drawn from.
 *
 * <p>Both index arrays are class-major: the support holds {@code shots} images of episode class 0,
 * then {@code shots} of class 1, and so on; the query likewise with {@code queries} per class.
 * Episode class {@code c} is dataset class {@code classes[c]}: labels are relabelled {@code 0..N-1}
 * within the episode, in the order the classes were drawn. Support and query never share an image.
 * Callers must not modify the arrays.
 *
 * @param size ways, shots and queries
 * @param classes the dataset classes of episode classes {@code 0..N-1}
 * @param support pool indices of the support images, {@code ways * shots}, class-major
 * @param query pool indices of the query images, {@code ways * queries}, class-major
 */
public record Episode(EpisodeSize size, int[] classes, int[] support, int[] query) {

    /** Checks that the arrays have the sizes {@code size} asks for. */
    public Episode {
        int n = size.ways();
        if (classes.length != n
                || support.length != n * size.shots()
                || query.length != n * size.queries()) {
            throw new IllegalArgumentException(
                    "An episode of "
                            + size
                            + " needs "
                            + n
                            + " classes, "
                            + n * size.shots()
                            + " support and "
                            + n * size.queries()
                            + " query images, got "
                            + classes.length
                            + ", "
                            + support.length
                            + " and "
                            + query.length
                            + ".");
        }
    }

    /** The episode labels {@code 0..N-1} of the support images, in support order. */
    public int[] supportLabels() {
        return labels(size.shots());
    }

    /** The episode labels {@code 0..N-1} of the query images, in query order. */
    public int[] queryLabels() {
        return labels(size.queries());
    }

    /** Support then query indices, the order in which an episode is embedded as one batch. */
    public int[] supportThenQuery() {
        int[] all = new int[support.length + query.length];
        System.arraycopy(support, 0, all, 0, support.length);
        System.arraycopy(query, 0, all, support.length, query.length);
        return all;
    }

    private int[] labels(int perClass) {
        int[] y = new int[size.ways() * perClass];
        for (int i = 0; i < y.length; i++) {
            y[i] = i / perClass;
        }
        return y;
    }
}

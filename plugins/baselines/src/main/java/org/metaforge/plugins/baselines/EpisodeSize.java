package org.metaforge.plugins.baselines;

/**
 * The shape of an N-way K-shot episode.
 *
 * @param ways classes per episode (N)
 * @param shots labelled support images per class (K)
 * @param queries query images per class (Q)
 */
public record EpisodeSize(int ways, int shots, int queries) {

    /** Checks that every count is positive and an episode has at least two classes. */
    public EpisodeSize {
        if (ways < 2 || shots < 1 || queries < 1) {
            throw new IllegalArgumentException(
                    "An episode needs ways >= 2, shots >= 1 and queries >= 1, got ways="
                            + ways
                            + ", shots="
                            + shots
                            + ", queries="
                            + queries
                            + ".");
        }
    }

    /** Images each class of an episode needs: {@code shots + queries}. */
    public int perClass() {
        return shots + queries;
    }
}

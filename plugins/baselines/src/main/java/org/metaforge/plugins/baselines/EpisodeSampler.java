package org.metaforge.plugins.baselines;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.run.Seeds;

/**
 * Draws N-way K-shot episodes from the images of some classes of one pool.
 *
 * <p>Each episode picks {@code ways} distinct classes uniformly from the class list, then {@code
 * shots + queries} distinct images of each class uniformly from the pool; the first {@code shots}
 * form the support, the rest the query. The same random stream gives the same episode. Immutable.
 */
public final class EpisodeSampler {

    private final EpisodeSize size;
    private final int[] classes;
    private final int[][] members;

    /**
     * Indexes {@code pool} by class.
     *
     * @param pool the images to draw from
     * @param classes the dataset classes episodes draw from, at least {@code size.ways()}
     * @param size the episode shape
     * @throws IllegalArgumentException if there are fewer classes than ways, or a class has fewer
     *     than {@code shots + queries} images in the pool
     */
    public EpisodeSampler(LabeledImages pool, List<Integer> classes, EpisodeSize size) {
        if (classes.size() < size.ways()) {
            throw new IllegalArgumentException(
                    size.ways() + "-way episodes need at least as many classes, got " + classes);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int i = 0; i < pool.numClasses(); i++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < pool.size(); i++) {
            byClass.get(pool.label(i)).add(i);
        }
        this.size = size;
        this.classes = classes.stream().mapToInt(Integer::intValue).toArray();
        this.members = new int[this.classes.length][];
        for (int c = 0; c < this.classes.length; c++) {
            members[c] =
                    byClass.get(this.classes[c]).stream().mapToInt(Integer::intValue).toArray();
            if (members[c].length < size.perClass()) {
                throw new IllegalArgumentException(
                        "class "
                                + this.classes[c]
                                + " has "
                                + members[c].length
                                + " images in "
                                + pool.name()
                                + ", fewer than shots + queries = "
                                + size.perClass());
            }
        }
    }

    /** Draws one episode from {@code rng}. */
    public Episode sample(Random rng) {
        int ways = size.ways();
        int shots = size.shots();
        int queries = size.queries();
        int[] order = Seeds.permutation(classes.length, rng);
        int[] chosen = new int[ways];
        int[] support = new int[ways * shots];
        int[] query = new int[ways * queries];
        for (int c = 0; c < ways; c++) {
            chosen[c] = classes[order[c]];
            // A partial Fisher-Yates shuffle: the first shots + queries entries are a uniform
            // sample without replacement.
            int[] pick = members[order[c]].clone();
            for (int j = 0; j < size.perClass(); j++) {
                int r = j + rng.nextInt(pick.length - j);
                int t = pick[j];
                pick[j] = pick[r];
                pick[r] = t;
            }
            System.arraycopy(pick, 0, support, c * shots, shots);
            System.arraycopy(pick, shots, query, c * queries, queries);
        }
        return new Episode(size, chosen, support, query);
    }
}

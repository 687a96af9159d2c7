package org.metaforge.plugins.baselines;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.run.Seeds;
import org.metaforge.sdk.run.Task;

/**
 * A task's data arranged for few-shot learning: meta-train, meta-validation and meta-test pools
 * split by class, and the episodes drawn from them.
 *
 * <p>Meta-training draws from the images of the training classes in {@code task.train()}, except a
 * stratified {@code validationFraction} of them held out for meta-validation. Meta-testing draws
 * from the images of the test classes in {@code task.eval()}, which meta-training never sees. The
 * two class lists are disjoint.
 *
 * <p>Episode {@code i} of each kind comes from its own random stream, {@code seeds.random(<label>,
 * i)} with the labels below, so it does not depend on how many episodes were drawn before (a
 * resumed run sees the same episodes), and every method that builds its episodic task with the same
 * seed, task, classes and episode size is scored on the same test episodes.
 */
public final class EpisodicTask {

    /** Seed label of the meta-training episodes. */
    public static final String TRAIN_EPISODE = "train-episode";

    /** Seed label of the meta-validation episodes. */
    public static final String VALIDATION_EPISODE = "validation-episode";

    /** Seed label of the meta-test episodes. */
    public static final String TEST_EPISODE = "test-episode";

    /** Seed label of the split that holds out the meta-validation images. */
    public static final String VALIDATION_SPLIT = "meta-validation-split";

    private final LabeledImages metaTrain;
    private final LabeledImages metaValidation;
    private final LabeledImages metaTest;
    private final EpisodeSampler trainSampler;
    private final EpisodeSampler validationSampler;
    private final EpisodeSampler testSampler;
    private final Seeds seeds;

    private EpisodicTask(
            LabeledImages metaTrain,
            LabeledImages metaValidation,
            LabeledImages metaTest,
            List<Integer> trainClasses,
            List<Integer> testClasses,
            EpisodeSize size,
            List<Integer> augmentedTrainClasses,
            EpisodeSize trainSize,
            Seeds seeds) {
        this.metaTrain = metaTrain;
        this.metaValidation = metaValidation;
        this.metaTest = metaTest;
        this.trainSampler = new EpisodeSampler(metaTrain, augmentedTrainClasses, trainSize);
        this.validationSampler = new EpisodeSampler(metaValidation, trainClasses, size);
        this.testSampler = new EpisodeSampler(metaTest, testClasses, size);
        this.seeds = seeds;
    }

    /**
     * Splits {@code task} by class and checks that every pool can fill its episodes.
     *
     * @param where what is being configured, e.g. {@code "config of baselines/protonet"}; problems
     *     name the fields {@code train-classes}, {@code test-classes}, {@code shots}, {@code
     *     queries} and {@code validation-fraction}
     * @param validationFraction the share of each training class's images held out, in (0, 1)
     * @throws org.metaforge.sdk.config.ConfigException listing every problem found
     */
    public static EpisodicTask create(
            Task task,
            List<Integer> trainClasses,
            List<Integer> testClasses,
            double validationFraction,
            EpisodeSize size,
            Seeds seeds,
            String where) {
        return create(
                task,
                trainClasses,
                testClasses,
                validationFraction,
                size,
                size.ways(),
                ClassAugmentation.NONE,
                seeds,
                where);
    }

    /**
     * As {@link #create(Task, List, List, double, EpisodeSize, Seeds, String)}, with meta-training
     * episodes of {@code trainWays} classes drawn from the training classes under {@code
     * augmentation} (meta-validation and meta-test episodes keep {@code size}).
     *
     * @param trainWays classes per meta-training episode; problems name the field {@code
     *     train-ways}
     * @param augmentation the extra meta-training classes; problems name {@code class-augmentation}
     */
    public static EpisodicTask create(
            Task task,
            List<Integer> trainClasses,
            List<Integer> testClasses,
            double validationFraction,
            EpisodeSize size,
            int trainWays,
            ClassAugmentation augmentation,
            Seeds seeds,
            String where) {
        ConfigProblems problems = new ConfigProblems(where);
        checkClasses(problems, trainClasses, testClasses, size.ways());
        checkTrainWays(problems, trainWays, trainClasses.size(), augmentation);
        Shape sample = task.train().sampleShape();
        if (augmentation != ClassAugmentation.NONE
                && (sample.dimension() != 3 || sample.get(1) != sample.get(2))) {
            problems.add(
                    "class-augmentation",
                    "rotations need square images (C, H, H), got samples of shape " + sample);
        }
        inRange(problems, "train-classes", trainClasses, task.train());
        inRange(problems, "test-classes", testClasses, task.eval());
        problems.throwIfAny();
        LabeledImages trainPart = ofClasses(task.train(), trainClasses, "meta-train");
        LabeledImages.Split split;
        try {
            split = trainPart.split(validationFraction, seeds.derive(VALIDATION_SPLIT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    where,
                    List.of(
                            "'validation-fraction': "
                                    + e.getMessage()
                                    + "; the training classes need images both to train and to"
                                    + " validate on"));
        }
        LabeledImages metaTest = ofClasses(task.eval(), testClasses, "meta-test");
        enough(problems, "train-classes", split.train(), trainClasses, size, validationFraction);
        enough(
                problems,
                "validation-fraction",
                split.validation(),
                trainClasses,
                size,
                validationFraction);
        enough(problems, "test-classes", metaTest, testClasses, size, validationFraction);
        problems.throwIfAny();
        return new EpisodicTask(
                augmentation.apply(split.train()),
                split.validation(),
                metaTest,
                trainClasses,
                testClasses,
                size,
                augmentation.classes(trainClasses, task.train().numClasses()),
                new EpisodeSize(trainWays, size.shots(), size.queries()),
                seeds);
    }

    /**
     * The meta-training pool: training-class images of {@code task.train()} not held out, with
     * their turned copies under a class augmentation.
     */
    public LabeledImages metaTrain() {
        return metaTrain;
    }

    /** The meta-validation pool: the held-out training-class images of {@code task.train()}. */
    public LabeledImages metaValidation() {
        return metaValidation;
    }

    /** The meta-test pool: test-class images of {@code task.eval()}. */
    public LabeledImages metaTest() {
        return metaTest;
    }

    /** Meta-training episode {@code i} (indices into {@link #metaTrain()}). */
    public Episode trainEpisode(long i) {
        return trainSampler.sample(seeds.random(TRAIN_EPISODE, i));
    }

    /**
     * Meta-training episode {@code i} of stream {@code stream}: stream 0 is {@link
     * #trainEpisode(long)}'s, every other stream is seeded apart from it and from the others, for
     * learners that meta-train several networks on different episodes.
     */
    public Episode trainEpisode(int stream, long i) {
        return stream == 0
                ? trainEpisode(i)
                : trainSampler.sample(seeds.random(TRAIN_EPISODE + "/" + stream, i));
    }

    /** The first {@code n} meta-validation episodes (indices into {@link #metaValidation()}). */
    public List<Episode> validationEpisodes(int n) {
        List<Episode> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(validationSampler.sample(seeds.random(VALIDATION_EPISODE, i)));
        }
        return out;
    }

    /** The first {@code n} meta-test episodes (indices into {@link #metaTest()}). */
    public List<Episode> testEpisodes(int n) {
        List<Episode> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(testSampler.sample(seeds.random(TEST_EPISODE, i)));
        }
        return out;
    }

    /**
     * Adds the problems of two class lists that need no data: a class listed twice, fewer classes
     * than {@code ways}, or a class in both lists.
     */
    static void checkClasses(
            ConfigProblems problems,
            List<Integer> trainClasses,
            List<Integer> testClasses,
            int ways) {
        classList(problems, "train-classes", trainClasses, ways);
        classList(problems, "test-classes", testClasses, ways);
        Set<Integer> shared = new HashSet<>(trainClasses);
        shared.retainAll(testClasses);
        if (!shared.isEmpty()) {
            problems.add(
                    "test-classes",
                    "shares classes "
                            + shared
                            + " with train-classes; meta-test classes must be unseen in"
                            + " meta-training");
        }
    }

    /**
     * Adds the problem of a meta-training episode with more ways than the training classes under
     * {@code augmentation} provide, naming the field {@code train-ways}.
     */
    static void checkTrainWays(
            ConfigProblems problems,
            int trainWays,
            int trainClasses,
            ClassAugmentation augmentation) {
        int available = trainClasses * augmentation.factor();
        if (trainWays > available) {
            problems.add(
                    "train-ways",
                    "is "
                            + trainWays
                            + " but meta-training has only "
                            + available
                            + " classes ("
                            + trainClasses
                            + " train-classes x "
                            + augmentation.factor()
                            + " from class-augmentation "
                            + augmentation.name().toLowerCase(java.util.Locale.ROOT)
                            + "); lower train-ways or add classes");
        }
    }

    private static void classList(
            ConfigProblems problems, String key, List<Integer> classes, int ways) {
        if (new HashSet<>(classes).size() != classes.size()) {
            problems.add(key, "lists a class twice: " + classes);
        }
        if (classes.size() < ways) {
            problems.add(
                    key,
                    "has "
                            + classes.size()
                            + " classes but episodes are "
                            + ways
                            + "-way; list at least "
                            + ways
                            + " or lower ways");
        }
    }

    private static void inRange(
            ConfigProblems problems, String key, List<Integer> classes, LabeledImages data) {
        for (int c : classes) {
            if (c < 0 || c >= data.numClasses()) {
                problems.add(
                        key,
                        "class "
                                + c
                                + " does not exist in "
                                + data.name()
                                + ", whose classes are 0.."
                                + (data.numClasses() - 1));
            }
        }
    }

    private static void enough(
            ConfigProblems problems,
            String key,
            LabeledImages pool,
            List<Integer> classes,
            EpisodeSize size,
            double validationFraction) {
        int[] counts = new int[pool.numClasses()];
        for (int i = 0; i < pool.size(); i++) {
            counts[pool.label(i)]++;
        }
        for (int c : classes) {
            if (counts[c] < size.perClass()) {
                problems.add(
                        key,
                        "class "
                                + c
                                + " has "
                                + counts[c]
                                + " images in "
                                + pool.name()
                                + " (validation fraction "
                                + validationFraction
                                + "), fewer than shots + queries = "
                                + size.perClass()
                                + "; lower shots or queries, or use a larger dataset");
            }
        }
    }

    private static LabeledImages ofClasses(LabeledImages data, List<Integer> classes, String part) {
        Set<Integer> keep = new HashSet<>(classes);
        int[] idx = new int[data.size()];
        int n = 0;
        for (int i = 0; i < data.size(); i++) {
            if (keep.contains(data.label(i))) {
                idx[n++] = i;
            }
        }
        return data.subset(data.name() + "/" + part, Arrays.copyOf(idx, n));
    }
}

package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.run.Seeds;
import org.metaforge.sdk.run.Task;

class EpisodicTaskTest {

    private static final List<Integer> TRAIN_CLASSES = List.of(0, 1, 2, 3, 4);
    private static final List<Integer> TEST_CLASSES = List.of(5, 6, 7, 8, 9);

    // 30 training and 25 evaluation images per class; every image carries a unique id in its first
    // pixel (id / 1024, exact in float), so pools and episodes can be traced back to images.
    private static final LabeledImages TRAIN = withIds("train", 300, 0);
    private static final LabeledImages EVAL = withIds("eval", 250, 300);
    private static final Task TASK = new Task(TRAIN, EVAL, "test");

    private static LabeledImages withIds(String name, int n, int firstId) {
        float[] px = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            px[4 * i] = (firstId + i) / 1024f;
        }
        Shape shape = new Shape(1, 2, 2);
        return new LabeledImages(
                name, px, labels, shape, 10, LabeledImages.fingerprintOf(px, labels, shape));
    }

    private static EpisodicTask task(EpisodeSize size, long seed) {
        return EpisodicTask.create(
                TASK, TRAIN_CLASSES, TEST_CLASSES, 0.2, size, new Seeds(seed), "test config");
    }

    private static int[] ids(LabeledImages pool) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] px = pool.batch(m, 0, pool.size()).get(0).toFloatArray();
            int[] ids = new int[pool.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = Math.round(px[4 * i] * 1024);
            }
            return ids;
        }
    }

    @Test
    void episodesHaveExactSizesRelabelledLabelsAndDisjointSupportAndQuery() {
        EpisodeSize size = new EpisodeSize(5, 2, 3);
        EpisodicTask t = task(size, 1);
        check(t.metaTrain(), TRAIN_CLASSES, size, t.trainEpisode(0));
        for (int i = 0; i < 100; i++) {
            check(t.metaTrain(), TRAIN_CLASSES, size, t.trainEpisode(i));
        }
        for (Episode e : t.validationEpisodes(50)) {
            check(t.metaValidation(), TRAIN_CLASSES, size, e);
        }
        for (Episode e : t.testEpisodes(50)) {
            check(t.metaTest(), TEST_CLASSES, size, e);
        }
    }

    private static void check(
            LabeledImages pool, List<Integer> split, EpisodeSize size, Episode e) {
        assertEquals(5, e.classes().length);
        assertEquals(10, e.support().length);
        assertEquals(15, e.query().length);
        assertEquals(5, Arrays.stream(e.classes()).distinct().count(), "distinct classes");
        for (int c : e.classes()) {
            assertTrue(split.contains(c), "class " + c + " is not in the split " + split);
        }
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4}, e.supportLabels());
        int[] sl = e.supportLabels();
        for (int i = 0; i < sl.length; i++) {
            assertEquals(e.classes()[sl[i]], pool.label(e.support()[i]), "support relabelling");
        }
        int[] ql = e.queryLabels();
        assertEquals(15, ql.length);
        for (int i = 0; i < ql.length; i++) {
            assertEquals(e.classes()[ql[i]], pool.label(e.query()[i]), "query relabelling");
        }
        Set<Integer> seen = new HashSet<>();
        for (int i : e.supportThenQuery()) {
            assertTrue(seen.add(i), "image " + i + " appears twice in the episode");
        }
    }

    @Test
    void poolsSplitByClassAndHoldOutValidationImages() {
        EpisodicTask t = task(new EpisodeSize(5, 1, 2), 1);
        int[] train = ids(t.metaTrain());
        int[] val = ids(t.metaValidation());
        int[] test = ids(t.metaTest());
        // 30 images per training class: 6 held out (20%), 24 left.
        assertEquals(5 * 24, train.length);
        assertEquals(5 * 6, val.length);
        Set<Integer> trainIds = new HashSet<>();
        Arrays.stream(train).forEach(trainIds::add);
        for (int id : val) {
            assertFalse(trainIds.contains(id), "validation image " + id + " is also trained on");
        }
        for (int i = 0; i < t.metaTrain().size(); i++) {
            assertTrue(TRAIN_CLASSES.contains(t.metaTrain().label(i)));
        }
        for (int i = 0; i < t.metaValidation().size(); i++) {
            assertTrue(TRAIN_CLASSES.contains(t.metaValidation().label(i)));
        }
        // Meta-test: all 25 evaluation images of each test class, none of the training set.
        assertEquals(5 * 25, test.length);
        for (int i = 0; i < test.length; i++) {
            assertTrue(test[i] >= 300, "meta-test image " + test[i] + " is a training image");
            assertTrue(TEST_CLASSES.contains(t.metaTest().label(i)));
        }
    }

    @Test
    void sameSeedSameEpisodesAndTestEpisodesAreIdenticalAcrossCalls() {
        EpisodeSize size = new EpisodeSize(5, 1, 3);
        EpisodicTask a = task(size, 7);
        EpisodicTask b = task(size, 7);
        List<Episode> ta = a.testEpisodes(30);
        List<Episode> tb = b.testEpisodes(30);
        List<Episode> prefix = a.testEpisodes(10);
        for (int i = 0; i < 30; i++) {
            assertEpisodeEquals(ta.get(i), tb.get(i));
        }
        for (int i = 0; i < 10; i++) {
            assertEpisodeEquals(ta.get(i), prefix.get(i));
        }
        assertEpisodeEquals(a.trainEpisode(17), b.trainEpisode(17));
        assertEpisodeEquals(a.validationEpisodes(3).get(2), b.validationEpisodes(3).get(2));
        // Another seed draws other episodes.
        List<Episode> other = task(size, 8).testEpisodes(30);
        int same = 0;
        for (int i = 0; i < 30; i++) {
            same += Arrays.equals(ta.get(i).query(), other.get(i).query()) ? 1 : 0;
        }
        assertEquals(0, same, "episodes of seed 8 repeat those of seed 7");
        assertFalse(Arrays.equals(a.trainEpisode(0).query(), a.trainEpisode(1).query()));
    }

    private static void assertEpisodeEquals(Episode x, Episode y) {
        assertArrayEquals(x.classes(), y.classes());
        assertArrayEquals(x.support(), y.support());
        assertArrayEquals(x.query(), y.query());
    }

    @Test
    void drawsClassesUniformly() {
        // 3-way episodes from 5 classes: each class takes part in 3/5 of the episodes.
        EpisodicTask t = task(new EpisodeSize(3, 1, 1), 2);
        int[] count = new int[10];
        int n = 3000;
        for (int i = 0; i < n; i++) {
            for (int c : t.trainEpisode(i).classes()) {
                count[c]++;
            }
        }
        for (int c : TRAIN_CLASSES) {
            assertEquals(0.6, count[c] / (double) n, 0.03, "class " + c);
        }
    }

    @Test
    void rejectsPoolsTooSmallForTheEpisodesNamingEachField() {
        // 10 + 15 = 25 images per class: the 24 meta-train and 6 meta-validation images per
        // training class are too few; the 25 meta-test images per test class are enough.
        ConfigException e =
                assertThrows(ConfigException.class, () -> task(new EpisodeSize(5, 10, 15), 1));
        String msg = e.getMessage();
        assertTrue(msg.contains("'train-classes': class 0 has 24 images"), msg);
        assertTrue(msg.contains("'validation-fraction': class 4 has 6 images"), msg);
        assertFalse(msg.contains("'test-classes'"), msg);
        ConfigException overlap =
                assertThrows(
                        ConfigException.class,
                        () ->
                                EpisodicTask.create(
                                        TASK,
                                        List.of(0, 1, 2),
                                        List.of(2, 3, 3),
                                        0.2,
                                        new EpisodeSize(3, 1, 1),
                                        new Seeds(1),
                                        "test config"));
        assertTrue(overlap.getMessage().contains("'test-classes': lists a class twice"));
        assertTrue(overlap.getMessage().contains("'test-classes': shares classes [2]"));
    }
}

package org.metaforge.plugins.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.config.ConfigException;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.run.Seeds;
import org.metaforge.sdk.run.Task;

class ClassAugmentationTest {

    @Test
    void aQuarterTurnIsCounterClockwise() {
        // 1 2 3        3 6 9
        // 4 5 6  -->   2 5 8
        // 7 8 9        1 4 7
        float[] image = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertArrayEquals(
                new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7},
                ClassAugmentation.quarterTurn(image, 1, 3));
        // Channels turn independently.
        float[] two = {1, 2, 3, 4, 10, 20, 30, 40};
        assertArrayEquals(
                new float[] {2, 4, 1, 3, 20, 40, 10, 30}, ClassAugmentation.quarterTurn(two, 2, 2));
    }

    @Test
    void rotationsMakeFourClassesPerClassWithTurnedImages() {
        float[] px = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] labels = {0, 2};
        Shape shape = new Shape(1, 2, 2);
        LabeledImages pool =
                new LabeledImages(
                        "p", px, labels, shape, 3, LabeledImages.fingerprintOf(px, labels, shape));
        LabeledImages turned = ClassAugmentation.ROTATIONS.apply(pool);
        assertEquals(8, turned.size());
        assertEquals(12, turned.numClasses());
        // Image k * n + i is image i after k quarter turns, labelled label(i) + k * 3.
        int[] expectedLabels = {0, 2, 3, 5, 6, 8, 9, 11};
        for (int j = 0; j < 8; j++) {
            assertEquals(expectedLabels[j], turned.label(j), "label of image " + j);
        }
        assertArrayEquals(new float[] {1, 2, 3, 4}, turned.pixels(0));
        assertArrayEquals(new float[] {2, 4, 1, 3}, turned.pixels(2));
        assertArrayEquals(new float[] {4, 3, 2, 1}, turned.pixels(4));
        assertArrayEquals(new float[] {7, 5, 8, 6}, turned.pixels(7));
        assertEquals(
                List.of(0, 2, 3, 5, 6, 8, 9, 11),
                ClassAugmentation.ROTATIONS.classes(List.of(0, 2), 3));
        assertSame(pool, ClassAugmentation.NONE.apply(pool));
        assertEquals(List.of(0, 2), ClassAugmentation.NONE.classes(List.of(0, 2), 3));
    }

    @Test
    void metaTrainingEpisodesDrawFromTheTurnedClassesOnly() {
        int n = 400;
        float[] px = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            px[4 * i] = i;
        }
        Shape shape = new Shape(1, 2, 2);
        LabeledImages data =
                new LabeledImages(
                        "d", px, labels, shape, 10, LabeledImages.fingerprintOf(px, labels, shape));
        Task task = new Task(data, data, "test");
        EpisodicTask episodic =
                EpisodicTask.create(
                        task,
                        List.of(0, 1),
                        List.of(5, 6),
                        0.2,
                        new EpisodeSize(2, 1, 2),
                        8,
                        ClassAugmentation.ROTATIONS,
                        new Seeds(3),
                        "test config");
        assertEquals(16, episodic.metaValidation().size(), "validation images are not turned");
        assertEquals(10, episodic.metaValidation().numClasses());
        assertEquals(4 * 64, episodic.metaTrain().size());
        Set<Integer> seen = new HashSet<>();
        for (int e = 0; e < 20; e++) {
            Episode ep = episodic.trainEpisode(e);
            assertEquals(8, ep.classes().length, "train-ways");
            for (int c : ep.classes()) {
                seen.add(c);
            }
            for (int i = 0; i < ep.support().length; i++) {
                int c = ep.classes()[i / ep.size().shots()];
                assertEquals(c, episodic.metaTrain().label(ep.support()[i]));
            }
        }
        assertEquals(Set.of(0, 1, 10, 11, 20, 21, 30, 31), seen);
        assertEquals(2, episodic.testEpisodes(1).get(0).classes().length);

        ConfigException tooMany =
                assertThrows(
                        ConfigException.class,
                        () ->
                                EpisodicTask.create(
                                        task,
                                        List.of(0, 1),
                                        List.of(5, 6),
                                        0.2,
                                        new EpisodeSize(2, 1, 2),
                                        9,
                                        ClassAugmentation.ROTATIONS,
                                        new Seeds(3),
                                        "test config"));
        assertTrue(
                tooMany.getMessage().contains("'train-ways': is 9 but meta-training has only 8"),
                tooMany.getMessage());
    }
}

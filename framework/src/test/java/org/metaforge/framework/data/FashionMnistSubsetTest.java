package org.metaforge.framework.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metaforge.sdk.data.LabeledImages;

/** The shipped subset, the tool that makes it, and the full data when the system has it. */
class FashionMnistSubsetTest {

    private static final Path SYSTEM_COPY = Path.of(DatasetCatalog.SYSTEM_DIRECTORY);

    @TempDir Path tmp;

    private DatasetCatalog catalog() {
        return DatasetCatalog.builder()
                .optEnvironment(name -> null)
                .optUserDataDirectory(tmp.resolve("home-data"))
                .build();
    }

    @Test
    void shippedSubsetIsStratifiedWith1000And200PerClass() throws Exception {
        DatasetCatalog catalog = catalog();
        Dataset subset = catalog.load(DatasetCatalog.FASHION_MNIST_SUBSET);

        assertEquals(10_000, subset.train().size());
        assertEquals(2_000, subset.test().size());
        assertArrayEquals(filled(1_000), perClass(subset.train()));
        assertArrayEquals(filled(200), perClass(subset.test()));
        assertEquals(new Shape(1, 28, 28), subset.train().sampleShape());
        assertEquals(new Shape(1, 28, 28), subset.test().sampleShape());
        assertEquals(10, subset.train().numClasses());
        assertTrue(subset.train().fingerprint().matches("[0-9a-f]{64}"));
        assertNotEquals(subset.train().fingerprint(), subset.test().fingerprint());
        assertSame(subset, catalog.load(DatasetCatalog.FASHION_MNIST_SUBSET));
    }

    @Test
    void shippedSubsetHasRealImages() throws Exception {
        LabeledImages test = catalog().load(DatasetCatalog.FASHION_MNIST_SUBSET).test();

        float[] pixels = IdxFixtures.pixelsOf(test);

        double mean = 0;
        float max = 0;
        for (float p : pixels) {
            mean += p;
            max = Math.max(max, p);
        }
        mean /= pixels.length;
        // Fashion-MNIST's mean intensity is about 0.29; blank or noise images would be far off.
        assertEquals(0.29, mean, 0.03);
        assertEquals(1f, max);
    }

    @Test
    void stratifiedSampleTakesEqualCountsPerClassInFileOrder() throws Exception {
        byte[] labels = new byte[100];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % 10);
        }

        int[] first = FashionMnistSubset.stratifiedSample(labels, 3, new Random(5));
        int[] second = FashionMnistSubset.stratifiedSample(labels, 3, new Random(5));

        assertArrayEquals(first, second);
        assertEquals(30, first.length);
        int[] counts = new int[10];
        for (int i = 0; i < first.length; i++) {
            counts[labels[first[i]]]++;
            assertTrue(i == 0 || first[i - 1] < first[i], "indices ascend");
        }
        assertArrayEquals(filled(3), counts);
    }

    @Test
    void toolRemakesTheShippedSubsetFromTheFullData() throws Exception {
        assumeTrue(Files.isDirectory(SYSTEM_COPY), "dataset-fashion-mnist is not installed");
        Path out = tmp.resolve("subset");

        FashionMnistSubset.make(SYSTEM_COPY, out);

        DatasetCatalog catalog = catalog();
        Dataset remade = catalog.load(DatasetCatalog.FASHION_MNIST_SUBSET, out);
        Dataset shipped = catalog.load(DatasetCatalog.FASHION_MNIST_SUBSET);
        assertEquals(shipped.train().fingerprint(), remade.train().fingerprint());
        assertEquals(shipped.test().fingerprint(), remade.test().fingerprint());
        for (String name : IdxFiles.NAMES) {
            byte[] gzip = Files.readAllBytes(out.resolve(name + ".gz"));
            assertEquals(0, gzip[4] | gzip[5] | gzip[6] | gzip[7], "gzip mtime of " + name);
        }
    }

    @Test
    void fullDatasetFromTheSystemHas60000And10000() throws Exception {
        assumeTrue(Files.isDirectory(SYSTEM_COPY), "dataset-fashion-mnist is not installed");

        Dataset full = catalog().load(DatasetCatalog.FASHION_MNIST);

        assertEquals(60_000, full.train().size());
        assertEquals(10_000, full.test().size());
        assertArrayEquals(filled(6_000), perClass(full.train()));
        assertArrayEquals(filled(1_000), perClass(full.test()));
        assertEquals(new Shape(1, 28, 28), full.train().sampleShape());
        assertEquals("fashion-mnist/train", full.train().name());
    }

    private static int[] perClass(LabeledImages images) {
        int[] counts = new int[images.numClasses()];
        for (int i = 0; i < images.size(); i++) {
            counts[images.label(i)]++;
        }
        return counts;
    }

    private static int[] filled(int value) {
        int[] a = new int[10];
        java.util.Arrays.fill(a, value);
        return a;
    }
}

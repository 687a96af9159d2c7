package org.metaforge.framework.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.metaforge.framework.data.DatasetCatalog.FASHION_MNIST;
import static org.metaforge.framework.data.IdxFixtures.labels;
import static org.metaforge.framework.data.IdxFixtures.write;
import static org.metaforge.framework.data.IdxFixtures.writeTinyDataset;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCatalogTest {

    @TempDir Path tmp;

    /** A catalog that sees only the temporary directory: fake environment, system and home. */
    private DatasetCatalog catalog(Map<String, String> env) {
        return DatasetCatalog.builder()
                .optEnvironment(env::get)
                .optSystemDirectory(tmp.resolve("system"))
                .optUserDataDirectory(tmp.resolve("home-data"))
                .build();
    }

    private Map<String, String> dataRoot(Path root) {
        return Map.of("METAFORGE_DATA", root.toString());
    }

    @Test
    void noneIsAnEmptyDatasetForComponentsThatGenerateTheirOwnData() throws Exception {
        Dataset d = catalog(Map.of()).load(DatasetCatalog.NONE);
        assertEquals(0, d.train().size());
        assertEquals(0, d.test().size());
        assertEquals("none", d.train().fingerprint());
    }

    @Test
    void explicitDirectoryBeatsEnvironmentBeatsSystemDirectory() throws Exception {
        Path explicit = writeTinyDataset(tmp.resolve("explicit"), 1, true);
        writeTinyDataset(tmp.resolve("data").resolve(FASHION_MNIST), 2, false);
        writeTinyDataset(tmp.resolve("system"), 3, true);
        DatasetCatalog withEnv = catalog(dataRoot(tmp.resolve("data")));

        assertEquals(1, withEnv.load(FASHION_MNIST, explicit).train().label(0));
        assertEquals(2, withEnv.load(FASHION_MNIST).train().label(0));
        assertEquals(3, catalog(Map.of()).load(FASHION_MNIST).train().label(0));
    }

    @Test
    void explicitDirectoryWithoutTheFilesFallsThroughToTheNextPlace() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        writeTinyDataset(tmp.resolve("system"), 3, false);

        Dataset dataset = catalog(Map.of()).load(FASHION_MNIST, tmp.resolve("empty"));

        assertEquals(3, dataset.train().label(0));
    }

    @Test
    void earlierDownloadsInTheUserDataDirectoryAreFoundWhenTheVariableIsUnset() throws Exception {
        writeTinyDataset(tmp.resolve("home-data").resolve(FASHION_MNIST), 4, true);

        assertEquals(4, catalog(Map.of()).load(FASHION_MNIST).train().label(0));
    }

    @Test
    void loadsBothSplitsWithNamesShapesAndClasses() throws Exception {
        Dataset dataset =
                catalog(Map.of()).load(FASHION_MNIST, writeTinyDataset(tmp.resolve("d"), 5, true));

        assertEquals(FASHION_MNIST, dataset.name());
        assertEquals("fashion-mnist/train", dataset.train().name());
        assertEquals("fashion-mnist/test", dataset.test().name());
        assertEquals(3, dataset.train().size());
        assertEquals(2, dataset.test().size());
        assertEquals(new Shape(1, 2, 2), dataset.train().sampleShape());
        assertEquals(10, dataset.train().numClasses());
        assertEquals(10, dataset.test().numClasses());
        assertEquals(5, dataset.test().label(0));
    }

    @Test
    void fingerprintsComeFromTheFileContentsWhetherGzipOrPlain() throws Exception {
        DatasetCatalog catalog = catalog(Map.of());
        Dataset gzip = catalog.load(FASHION_MNIST, writeTinyDataset(tmp.resolve("gz"), 6, true));
        Dataset plain =
                catalog.load(FASHION_MNIST, writeTinyDataset(tmp.resolve("plain"), 6, false));
        Dataset other =
                catalog.load(FASHION_MNIST, writeTinyDataset(tmp.resolve("other"), 7, false));

        assertEquals(
                IdxFixtures.sha256(IdxFixtures.tinyTrainImages(6), IdxFixtures.tinyTrainLabels(6)),
                plain.train().fingerprint());
        assertEquals(
                IdxFixtures.sha256(IdxFixtures.tinyTestImages(), IdxFixtures.tinyTestLabels(6)),
                plain.test().fingerprint());
        assertEquals(plain.train().fingerprint(), gzip.train().fingerprint());
        assertEquals(plain.test().fingerprint(), gzip.test().fingerprint());
        assertEquals(plain.fingerprint(), gzip.fingerprint());
        assertTrue(!plain.fingerprint().equals(other.fingerprint()));
    }

    @Test
    void cachesPerNameAndPlace() throws Exception {
        DatasetCatalog catalog = catalog(Map.of());
        Path a = writeTinyDataset(tmp.resolve("a"), 1, true);
        Path b = writeTinyDataset(tmp.resolve("b"), 1, true);

        Dataset first = catalog.load(FASHION_MNIST, a);

        assertSame(first, catalog.load(FASHION_MNIST, tmp.resolve("x").resolve("..").resolve("a")));
        assertNotSame(first, catalog.load(FASHION_MNIST, b));
        assertNotSame(first, catalog.load("my-set", a));
        assertNotSame(first, catalog(Map.of()).load(FASHION_MNIST, a));
    }

    @Test
    void anyNameLoadsFromAGivenDirectoryWithClassesFromItsLabels() throws Exception {
        Path dir = tmp.resolve("mine");
        write(dir.resolve(IdxFiles.TRAIN_IMAGES), IdxFixtures.images(2, 1, 1, 0, 255));
        write(dir.resolve(IdxFiles.TRAIN_LABELS), labels(0, 1));
        write(
                dir.resolve(IdxFiles.TEST_IMAGES + ".gz"),
                IdxFixtures.gzip(IdxFixtures.images(1, 1, 1, 9)));
        write(dir.resolve(IdxFiles.TEST_LABELS + ".gz"), IdxFixtures.gzip(labels(2)));

        Dataset dataset = catalog(Map.of()).load("two-pixels", dir);

        assertEquals("two-pixels/train", dataset.train().name());
        assertEquals(3, dataset.train().numClasses());
        assertEquals(3, dataset.test().numClasses());
    }

    @Test
    void anyNameIsFoundUnderTheDataVariable() throws Exception {
        writeTinyDataset(tmp.resolve("data").resolve("tiny"), 8, false);

        Dataset dataset = catalog(dataRoot(tmp.resolve("data"))).load("tiny");

        assertEquals(8, dataset.train().label(0));
        assertEquals(9, dataset.train().numClasses());
    }

    @Test
    void notFoundListsEveryPlaceSearchedAndTheFixes() throws Exception {
        Path explicit = tmp.resolve("a").resolve("b");
        Path data = tmp.resolve("c");

        DatasetException e =
                assertThrows(
                        DatasetException.class,
                        () -> catalog(dataRoot(data)).load(FASHION_MNIST, explicit));

        assertEquals(
                "Dataset 'fashion-mnist' not found in "
                        + explicit
                        + ", $METAFORGE_DATA ("
                        + data.resolve(FASHION_MNIST)
                        + ") or "
                        + tmp.resolve("system")
                        + ", and downloading is off; install it with 'apt-get install"
                        + " dataset-fashion-mnist', set METAFORGE_DATA, pass --data DIR, or allow"
                        + " downloads.",
                e.getMessage());
    }

    @Test
    void notFoundWithoutTheVariableSaysSoAndListsTheUserDataDirectory() {
        DatasetException e =
                assertThrows(DatasetException.class, () -> catalog(Map.of()).load(FASHION_MNIST));

        assertEquals(
                "Dataset 'fashion-mnist' not found in $METAFORGE_DATA (not set), "
                        + tmp.resolve("system")
                        + " or "
                        + tmp.resolve("home-data").resolve(FASHION_MNIST)
                        + ", and downloading is off; install it with 'apt-get install"
                        + " dataset-fashion-mnist', set METAFORGE_DATA, pass --data DIR, or allow"
                        + " downloads.",
                e.getMessage());
    }

    @Test
    void unknownNameNotFoundExplainsHowToProvideIt() {
        Path explicit = tmp.resolve("nothing-here");

        DatasetException e =
                assertThrows(
                        DatasetException.class,
                        () -> catalog(dataRoot(tmp.resolve("c"))).load("cifar-10", explicit));

        assertEquals(
                "Dataset 'cifar-10' not found in "
                        + explicit
                        + " or $METAFORGE_DATA ("
                        + tmp.resolve("c").resolve("cifar-10")
                        + "); this catalog knows fashion-mnist and fashion-mnist-subset, and reads"
                        + " any other dataset from a directory holding train-images-idx3-ubyte,"
                        + " train-labels-idx1-ubyte, t10k-images-idx3-ubyte and"
                        + " t10k-labels-idx1-ubyte (plain or .gz): pass --data DIR or put the files"
                        + " in $METAFORGE_DATA/cifar-10.",
                e.getMessage());
    }

    @Test
    void directoryWithSomeButNotAllFilesIsAnError() throws Exception {
        Path dir = writeTinyDataset(tmp.resolve("partial"), 1, true);
        Files.delete(dir.resolve(IdxFiles.TEST_IMAGES + ".gz"));
        Files.delete(dir.resolve(IdxFiles.TEST_LABELS + ".gz"));
        writeTinyDataset(tmp.resolve("system"), 3, true);

        DatasetException e =
                assertThrows(
                        DatasetException.class, () -> catalog(Map.of()).load(FASHION_MNIST, dir));

        assertTrue(
                e.getMessage()
                        .startsWith(
                                dir
                                        + " holds train-images-idx3-ubyte.gz,"
                                        + " train-labels-idx1-ubyte.gz but not"
                                        + " t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (plain"
                                        + " or .gz)"),
                e.getMessage());
    }

    @Test
    void badFileInTheSystemCopySaysHowToReinstall() throws Exception {
        Path system = writeTinyDataset(tmp.resolve("system"), 1, false);
        write(system.resolve(IdxFiles.TEST_LABELS), labels(1, 11));

        DatasetException e =
                assertThrows(DatasetException.class, () -> catalog(Map.of()).load(FASHION_MNIST));

        assertEquals(
                system.resolve(IdxFiles.TEST_LABELS)
                        + " has label 11 at index 1, outside the 10 classes [0, 10) of this"
                        + " dataset; re-install dataset-fashion-mnist ('apt-get install"
                        + " --reinstall dataset-fashion-mnist') or delete the file.",
                e.getMessage());
    }

    @Test
    void rejectsNamesThatAreNotPlainLowercase() {
        DatasetException e =
                assertThrows(DatasetException.class, () -> catalog(Map.of()).load("../etc"));

        assertTrue(
                e.getMessage().startsWith("Dataset name '../etc' is not valid;"), e.getMessage());
    }
}

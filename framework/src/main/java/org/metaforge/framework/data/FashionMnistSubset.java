package org.metaforge.framework.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Makes the stratified Fashion-MNIST subset that ships in the framework jar.
 *
 * <p>From the full Fashion-MNIST it takes {@value #TRAIN_PER_CLASS} training images of each of the
 * 10 classes (10,000 in all) and {@value #TEST_PER_CLASS} test images of each class (2,000). Each
 * split draws from its own {@link Random}, seeded with {@value #SEED} for train and {@code SEED +
 * 1} for test; class by class (0 to 9), a partial Fisher–Yates shuffle of that class's indices (in
 * file order) picks the images. The chosen images keep their original relative order. The output is
 * the four standard IDX file names with {@code .gz}; the same input always gives the same bytes
 * (the gzip header carries no name and no time).
 *
 * <p>To re-make the shipped files, from the repository root (this overwrites them; commit the
 * result, and the fingerprints in results made with the old subset no longer match):
 *
 * <pre>{@code
 * mvn -B -o -q -pl framework compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/classpath.txt
 * java -cp "framework/target/classes:$(cat framework/target/classpath.txt)" \
 *     org.metaforge.framework.data.FashionMnistSubset \
 *     /usr/share/datasets/fashion-mnist \
 *     framework/src/main/resources/org/metaforge/framework/data/fashion-mnist-subset
 * }</pre>
 *
 * The two arguments (the full data, plain or gzip; the output directory) default to the two paths
 * shown. The full data comes from Debian's {@code dataset-fashion-mnist} package or from
 * https://github.com/zalandoresearch/fashion-mnist.
 */
public final class FashionMnistSubset {

    /** The seed of the training draw; the test draw uses {@code SEED + 1}. */
    public static final long SEED = 20170825L;

    /** Training images per class. */
    public static final int TRAIN_PER_CLASS = 1000;

    /** Test images per class. */
    public static final int TEST_PER_CLASS = 200;

    private static final int CLASSES = 10;
    private static final String DEFAULT_OUTPUT =
            "framework/src/main/resources/" + DatasetCatalog.SUBSET_RESOURCES;

    private FashionMnistSubset() {}

    /**
     * Runs the tool: {@code [FULL_DIR [OUTPUT_DIR]]}. Exits with 2 when the input is missing or
     * malformed, 1 when the output cannot be written.
     */
    public static void main(String[] args) {
        if (args.length > 2) {
            System.err.println("Usage: FashionMnistSubset [FULL_DIR [OUTPUT_DIR]]");
            System.exit(2);
        }
        Path full = Path.of(args.length > 0 ? args[0] : DatasetCatalog.SYSTEM_DIRECTORY);
        Path output = Path.of(args.length > 1 ? args[1] : DEFAULT_OUTPUT);
        try {
            make(full, output);
            System.out.println(
                    "Wrote "
                            + IdxReader.grouped(CLASSES * TRAIN_PER_CLASS)
                            + " train and "
                            + IdxReader.grouped(CLASSES * TEST_PER_CLASS)
                            + " test images to "
                            + output.toAbsolutePath().normalize());
        } catch (DatasetException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("Cannot write the subset to " + output + ": " + e);
            System.exit(1);
        }
    }

    /**
     * Writes the subset of the full data in {@code fullDirectory} into {@code outputDirectory}.
     *
     * @param fullDirectory holds the four Fashion-MNIST IDX files, plain or gzip
     * @param outputDirectory created if needed; the four {@code .gz} files in it are replaced
     * @throws DatasetException if the full data is missing, malformed or has too few images of a
     *     class
     * @throws IOException if the output cannot be written
     */
    public static void make(Path fullDirectory, Path outputDirectory)
            throws DatasetException, IOException {
        IdxFiles files =
                IdxFiles.find(fullDirectory)
                        .orElseThrow(
                                () ->
                                        new DatasetException(
                                                "No Fashion-MNIST IDX files in "
                                                        + fullDirectory.toAbsolutePath()
                                                        + "; install them with 'apt-get install"
                                                        + " dataset-fashion-mnist' or name the"
                                                        + " directory that holds them."));
        IdxReader reader = new IdxReader(CLASSES, "replace it with a good copy");
        RawSplit train =
                reader.readSplit(
                        IdxSource.of(files.trainImages()), IdxSource.of(files.trainLabels()));
        RawSplit test =
                reader.readSplit(
                        IdxSource.of(files.testImages()), IdxSource.of(files.testLabels()));
        Files.createDirectories(outputDirectory);
        write(
                train,
                stratifiedSample(train.labels(), TRAIN_PER_CLASS, new Random(SEED)),
                outputDirectory,
                IdxFiles.TRAIN_IMAGES,
                IdxFiles.TRAIN_LABELS);
        write(
                test,
                stratifiedSample(test.labels(), TEST_PER_CLASS, new Random(SEED + 1)),
                outputDirectory,
                IdxFiles.TEST_IMAGES,
                IdxFiles.TEST_LABELS);
    }

    /**
     * Picks {@code perClass} indices of each class 0..9, in ascending order.
     *
     * @throws DatasetException if a class has fewer than {@code perClass} samples
     */
    static int[] stratifiedSample(byte[] labels, int perClass, Random random)
            throws DatasetException {
        boolean[] chosen = new boolean[labels.length];
        for (int c = 0; c < CLASSES; c++) {
            int[] members = membersOf(labels, c);
            if (members.length < perClass) {
                throw new DatasetException(
                        "Class "
                                + c
                                + " has only "
                                + members.length
                                + " samples, fewer than the "
                                + perClass
                                + " the subset takes; the full data is incomplete.");
            }
            for (int i = 0; i < perClass; i++) {
                int j = i + random.nextInt(members.length - i);
                int swap = members[i];
                members[i] = members[j];
                members[j] = swap;
                chosen[members[i]] = true;
            }
        }
        int[] indices = new int[CLASSES * perClass];
        int n = 0;
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i]) {
                indices[n++] = i;
            }
        }
        return indices;
    }

    private static int[] membersOf(byte[] labels, int label) {
        int count = 0;
        for (byte l : labels) {
            count += (l & 0xFF) == label ? 1 : 0;
        }
        int[] members = new int[count];
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xFF) == label) {
                members[n++] = i;
            }
        }
        return members;
    }

    private static void write(
            RawSplit split, int[] indices, Path directory, String imagesName, String labelsName)
            throws IOException {
        int width = split.rows() * split.cols();
        byte[] pixels = new byte[indices.length * width];
        byte[] labels = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(split.pixels(), indices[i] * width, pixels, i * width, width);
            labels[i] = split.labels()[indices[i]];
        }
        IdxWriter.writeImages(
                directory.resolve(imagesName + ".gz"),
                pixels,
                indices.length,
                split.rows(),
                split.cols());
        IdxWriter.writeLabels(directory.resolve(labelsName + ".gz"), labels);
    }
}

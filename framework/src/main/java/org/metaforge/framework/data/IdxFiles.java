package org.metaforge.framework.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The four IDX files of a dataset (train and test, images and labels) as found in one directory.
 *
 * <p>Each file may be gzip-compressed ({@code <name>.gz}, preferred when both exist) or plain.
 */
record IdxFiles(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** The base names, in the order train images, train labels, test images, test labels. */
    static final List<String> NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /**
     * Looks for the four files in {@code dir}.
     *
     * @return empty when {@code dir} does not exist or holds none of the files
     * @throws DatasetException when it holds some but not all of them
     */
    static Optional<IdxFiles> find(Path dir) throws DatasetException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> found = new ArrayList<>();
        List<String> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : NAMES) {
            Path gzip = dir.resolve(name + ".gz");
            Path plain = dir.resolve(name);
            Path file =
                    Files.isRegularFile(gzip) ? gzip : Files.isRegularFile(plain) ? plain : null;
            found.add(file);
            if (file == null) {
                missing.add(name);
            } else {
                present.add(file.getFileName().toString());
            }
        }
        if (present.isEmpty()) {
            return Optional.empty();
        }
        if (!missing.isEmpty()) {
            throw new DatasetException(
                    dir.toAbsolutePath().normalize()
                            + " holds "
                            + String.join(", ", present)
                            + " but not "
                            + String.join(", ", missing)
                            + " (plain or .gz); a dataset directory needs all four of "
                            + String.join(", ", NAMES)
                            + ". Add the missing files, or remove the directory so that the next"
                            + " place is searched.");
        }
        return Optional.of(new IdxFiles(found.get(0), found.get(1), found.get(2), found.get(3)));
    }
}

package org.metaforge.framework.data;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.metaforge.sdk.data.LabeledImages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a dataset by name and loads it, once per place.
 *
 * <p>Names: {@value #FASHION_MNIST_SUBSET}, the stratified subset shipped in the framework jar
 * (10,000 train and 2,000 test images, 1,000 and 200 per class); {@value #FASHION_MNIST}, the full
 * data (60,000 and 10,000); {@value #NONE}, no images, for components that generate their own data;
 * and any other name, read from a directory. A dataset directory holds the four IDX files {@code
 * train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and
 * {@code t10k-labels-idx1-ubyte}, each plain or with {@code .gz}.
 *
 * <p>Where {@value #FASHION_MNIST} is searched, in order:
 *
 * <ol>
 *   <li>the directory the caller gives (spec or {@code --data DIR});
 *   <li>{@code $METAFORGE_DATA/fashion-mnist};
 *   <li>the operating system's copy, {@value #SYSTEM_DIRECTORY} (Debian's {@code
 *       dataset-fashion-mnist} package);
 *   <li>when {@code METAFORGE_DATA} is not set, {@code ~/.metaforge/data/fashion-mnist}, where an
 *       earlier download went;
 *   <li>only when downloads are allowed (off by default): a download from the official address,
 *       verified against the published checksums, into {@code $METAFORGE_DATA/fashion-mnist} or
 *       {@code ~/.metaforge/data/fashion-mnist}.
 * </ol>
 *
 * Other names are searched in the caller's directory and {@code $METAFORGE_DATA/<name>}; the subset
 * comes from the caller's directory if one is given, else from the classpath. A directory that
 * holds some but not all four files is an error, not a reason to search further. When nothing is
 * found, the {@link DatasetException} lists every place searched and how to fix it.
 *
 * <p>Loaded datasets are cached: the same name from the same place gives the same {@link Dataset}
 * object (files changed on disk afterwards are not noticed). Thread-safe; loads are serialised.
 */
public final class DatasetCatalog {

    /** The full Fashion-MNIST. */
    public static final String FASHION_MNIST = "fashion-mnist";

    /** The stratified Fashion-MNIST subset shipped in the framework jar. */
    public static final String FASHION_MNIST_SUBSET = "fashion-mnist-subset";

    /**
     * No images: for components that generate their own data from their configuration (the
     * synthetic faces and videos of {@code ldeq/ldeq}); both splits are empty.
     */
    public static final String NONE = "none";

    /** The environment variable naming the directory that holds datasets, one per subdirectory. */
    public static final String DATA_ENVIRONMENT_VARIABLE = "METAFORGE_DATA";

    /** Where Debian's {@code dataset-fashion-mnist} package installs Fashion-MNIST. */
    public static final String SYSTEM_DIRECTORY = "/usr/share/datasets/fashion-mnist";

    /** The classpath folder of the shipped subset. */
    static final String SUBSET_RESOURCES = "org/metaforge/framework/data/fashion-mnist-subset/";

    private static final int FASHION_MNIST_CLASSES = 10;
    private static final Logger LOG = LoggerFactory.getLogger(DatasetCatalog.class);

    private final Function<String, String> environment;
    private final Path systemDirectory;
    private final Path userDataDirectory;
    private final boolean downloads;
    private final DownloadSource downloadSource;
    private final Map<String, Dataset> cache = new HashMap<>();

    private DatasetCatalog(Builder builder) {
        this.environment = builder.environment;
        this.systemDirectory = builder.systemDirectory;
        this.userDataDirectory = builder.userDataDirectory;
        this.downloads = builder.downloads;
        this.downloadSource = builder.downloadSource;
    }

    /**
     * A catalog with the defaults: the process environment, the real system paths, no downloads.
     */
    public static DatasetCatalog create() {
        return builder().build();
    }

    /** Starts a catalog with the defaults, to change some of them. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads a dataset, searching the usual places.
     *
     * @see #load(String, Path)
     */
    public Dataset load(String name) throws DatasetException {
        return load(name, null);
    }

    /**
     * Loads a dataset, first from {@code directory} if given, then from the places described on
     * this class.
     *
     * @param name a catalog name such as {@code fashion-mnist}, or any lowercase name for a dataset
     *     read from a directory
     * @param directory a directory holding the four IDX files, or {@code null}
     * @return the dataset, cached per name and place
     * @throws DatasetException if the name is not valid, the dataset is nowhere to be found, or its
     *     files are malformed
     */
    public synchronized Dataset load(String name, Path directory) throws DatasetException {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new DatasetException(
                    "Dataset name '"
                            + name
                            + "' is not valid; names are lowercase letters, digits, '.', '_' and"
                            + " '-', such as "
                            + FASHION_MNIST
                            + " or "
                            + FASHION_MNIST_SUBSET
                            + ".");
        }
        if (NONE.equals(name)) {
            return new Dataset(NONE, empty(NONE + "/train"), empty(NONE + "/test"));
        }
        List<Place> places = placesFor(name, directory);
        List<String> searched = new ArrayList<>();
        for (Place place : places) {
            if (place.directory() == null) {
                searched.add(place.label());
                continue;
            }
            Optional<IdxFiles> files = IdxFiles.find(place.directory());
            if (files.isPresent()) {
                return fromFiles(name, place, files.get());
            }
            searched.add(place.label());
        }
        if (FASHION_MNIST_SUBSET.equals(name)) {
            return cached(name, "classpath:" + SUBSET_RESOURCES, () -> readSubset());
        }
        if (FASHION_MNIST.equals(name) && downloads) {
            return download(name, searched);
        }
        throw new DatasetException(
                notFound(
                        name,
                        searched,
                        FASHION_MNIST.equals(name) ? ", and downloading is off" : ""));
    }

    /** The last step for Fashion-MNIST: download it into the data directory, then load it. */
    private Dataset download(String name, List<String> searched) throws DatasetException {
        Path target = downloadDirectory(name);
        try {
            new DatasetDownloader(downloadSource).downloadInto(target);
        } catch (DatasetException e) {
            throw new DatasetException(
                    notFound(
                            name,
                            searched,
                            ", and downloading it into " + target + " failed: " + e.getMessage()),
                    e);
        }
        IdxFiles files =
                IdxFiles.find(target)
                        .orElseThrow(
                                () ->
                                        new DatasetException(
                                                "The download into "
                                                        + target
                                                        + " left no IDX files there; the download"
                                                        + " source must name the four IDX files."));
        return fromFiles(name, new Place(target.toString(), target, userRemedy(name)), files);
    }

    private List<Place> placesFor(String name, Path directory) {
        List<Place> places = new ArrayList<>();
        if (directory != null) {
            Path dir = directory.toAbsolutePath().normalize();
            places.add(new Place(dir.toString(), dir, userRemedy(name)));
        }
        if (FASHION_MNIST_SUBSET.equals(name)) {
            return places;
        }
        Path dataRoot = dataRoot();
        if (dataRoot == null) {
            places.add(new Place("$" + DATA_ENVIRONMENT_VARIABLE + " (not set)", null, null));
        } else {
            Path dir = dataRoot.resolve(name);
            places.add(
                    new Place(
                            "$" + DATA_ENVIRONMENT_VARIABLE + " (" + dir + ")",
                            dir,
                            userRemedy(name)));
        }
        if (FASHION_MNIST.equals(name)) {
            places.add(
                    new Place(
                            systemDirectory.toString(),
                            systemDirectory,
                            "re-install dataset-fashion-mnist ('apt-get install --reinstall"
                                    + " dataset-fashion-mnist') or delete the file"));
            if (dataRoot == null) {
                Path dir = userDataDirectory.resolve(name);
                places.add(new Place(dir.toString(), dir, userRemedy(name)));
            }
        }
        return places;
    }

    private Dataset fromFiles(String name, Place place, IdxFiles files) throws DatasetException {
        return cached(
                name,
                place.directory().toString(),
                () -> {
                    IdxReader reader = new IdxReader(knownClasses(name), place.remedy());
                    RawSplit train =
                            reader.readSplit(
                                    IdxSource.of(files.trainImages()),
                                    IdxSource.of(files.trainLabels()));
                    RawSplit test =
                            reader.readSplit(
                                    IdxSource.of(files.testImages()),
                                    IdxSource.of(files.testLabels()));
                    if (train.rows() != test.rows() || train.cols() != test.cols()) {
                        throw new DatasetException(
                                files.trainImages()
                                        + " holds images of "
                                        + train.rows()
                                        + "x"
                                        + train.cols()
                                        + " but "
                                        + files.testImages()
                                        + " holds images of "
                                        + test.rows()
                                        + "x"
                                        + test.cols()
                                        + "; train and test must have the same size; "
                                        + place.remedy()
                                        + ".");
                    }
                    int classes = Math.max(reader.classesOf(train), reader.classesOf(test));
                    return dataset(name, train, test, classes);
                });
    }

    private Dataset readSubset() throws DatasetException {
        IdxReader reader =
                new IdxReader(
                        FASHION_MNIST_CLASSES,
                        "the Metaforge framework jar is damaged; rebuild or re-install it");
        RawSplit train =
                reader.readSplit(
                        IdxSource.ofResource(SUBSET_RESOURCES + IdxFiles.TRAIN_IMAGES + ".gz"),
                        IdxSource.ofResource(SUBSET_RESOURCES + IdxFiles.TRAIN_LABELS + ".gz"));
        RawSplit test =
                reader.readSplit(
                        IdxSource.ofResource(SUBSET_RESOURCES + IdxFiles.TEST_IMAGES + ".gz"),
                        IdxSource.ofResource(SUBSET_RESOURCES + IdxFiles.TEST_LABELS + ".gz"));
        return dataset(FASHION_MNIST_SUBSET, train, test, FASHION_MNIST_CLASSES);
    }

    private static Dataset dataset(String name, RawSplit train, RawSplit test, int classes) {
        return new Dataset(
                name,
                train.toLabeledImages(name + "/train", classes),
                test.toLabeledImages(name + "/test", classes));
    }

    private Dataset cached(String name, String location, Loader loader) throws DatasetException {
        String key = name + " @ " + location;
        Dataset dataset = cache.get(key);
        if (dataset == null) {
            dataset = loader.load();
            LOG.info(
                    "Loaded dataset '{}' from {}: {} train and {} test samples",
                    name,
                    location,
                    dataset.train().size(),
                    dataset.test().size());
            cache.put(key, dataset);
        }
        return dataset;
    }

    private String notFound(String name, List<String> searched, String downloadNote) {
        StringBuilder message =
                new StringBuilder("Dataset '")
                        .append(name)
                        .append("' not found in ")
                        .append(joinWithOr(searched))
                        .append(downloadNote)
                        .append("; ");
        if (FASHION_MNIST.equals(name)) {
            message.append(
                    "install it with 'apt-get install dataset-fashion-mnist', set "
                            + DATA_ENVIRONMENT_VARIABLE
                            + (downloads
                                    ? ", or pass --data DIR."
                                    : ", pass --data DIR, or allow downloads."));
        } else {
            message.append("this catalog knows ")
                    .append(FASHION_MNIST)
                    .append(" and ")
                    .append(FASHION_MNIST_SUBSET)
                    .append(", and reads any other dataset from a directory holding ")
                    .append(joinWithAnd(IdxFiles.NAMES))
                    .append(" (plain or .gz): pass --data DIR or put the files in $")
                    .append(DATA_ENVIRONMENT_VARIABLE)
                    .append('/')
                    .append(name)
                    .append('.');
        }
        return message.toString();
    }

    private Path dataRoot() {
        String value = environment.apply(DATA_ENVIRONMENT_VARIABLE);
        return value == null || value.isBlank()
                ? null
                : Path.of(value).toAbsolutePath().normalize();
    }

    private Path downloadDirectory(String name) {
        Path root = dataRoot();
        return (root != null ? root : userDataDirectory).resolve(name);
    }

    private static String userRemedy(String name) {
        return FASHION_MNIST.equals(name)
                ? "replace it with the original from"
                        + " https://github.com/zalandoresearch/fashion-mnist or delete the file"
                : "replace it with a good copy or delete the file";
    }

    private static int knownClasses(String name) {
        return FASHION_MNIST.equals(name) || FASHION_MNIST_SUBSET.equals(name)
                ? FASHION_MNIST_CLASSES
                : 0;
    }

    private static String joinWithOr(List<String> items) {
        return join(items, " or ");
    }

    private static String joinWithAnd(List<String> items) {
        return join(items, " and ");
    }

    private static String join(List<String> items, String last) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1))
                + last
                + items.get(items.size() - 1);
    }

    /**
     * A place to look for a dataset.
     *
     * @param label how the place is shown in messages
     * @param directory the directory to look in, or {@code null} when the place is not configured
     * @param remedy what to do about a bad file found there
     */
    private record Place(String label, Path directory, String remedy) {}

    /** Loads a dataset on a cache miss. */
    @FunctionalInterface
    private interface Loader {
        Dataset load() throws DatasetException;
    }

    /** Changes the defaults of a catalog; every option has a default. */
    public static final class Builder {

        private Function<String, String> environment = System::getenv;
        private Path systemDirectory = Path.of(SYSTEM_DIRECTORY);
        private Path userDataDirectory =
                Path.of(System.getProperty("user.home"), ".metaforge", "data");
        private boolean downloads;
        private DownloadSource downloadSource = DownloadSource.FASHION_MNIST;

        private Builder() {}

        /** How environment variables are looked up (default {@link System#getenv(String)}). */
        public Builder optEnvironment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Where the operating system's Fashion-MNIST lives (default {@value
         * DatasetCatalog#SYSTEM_DIRECTORY}).
         */
        public Builder optSystemDirectory(Path systemDirectory) {
            this.systemDirectory =
                    Objects.requireNonNull(systemDirectory, "systemDirectory")
                            .toAbsolutePath()
                            .normalize();
            return this;
        }

        /**
         * The data directory used when {@code METAFORGE_DATA} is not set (default {@code
         * ~/.metaforge/data}).
         */
        public Builder optUserDataDirectory(Path userDataDirectory) {
            this.userDataDirectory =
                    Objects.requireNonNull(userDataDirectory, "userDataDirectory")
                            .toAbsolutePath()
                            .normalize();
            return this;
        }

        /** Whether a dataset found nowhere may be downloaded (default {@code false}). */
        public Builder optDownloads(boolean downloads) {
            this.downloads = downloads;
            return this;
        }

        /**
         * Where Fashion-MNIST is downloaded from, with its checksums (default {@link
         * DownloadSource#FASHION_MNIST}).
         */
        public Builder optDownloadSource(DownloadSource downloadSource) {
            this.downloadSource = Objects.requireNonNull(downloadSource, "downloadSource");
            return this;
        }

        /** Builds the catalog. */
        public DatasetCatalog build() {
            return new DatasetCatalog(this);
        }
    }

    private static LabeledImages empty(String name) {
        return new LabeledImages(name, new float[0], new int[0], new Shape(1, 1, 1), 0, NONE);
    }
}

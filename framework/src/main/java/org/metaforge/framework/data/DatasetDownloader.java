package org.metaforge.framework.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads the files of a {@link DownloadSource} into a directory, all or nothing.
 *
 * <p>Files arrive in a hidden staging directory next to the target, are checked against their
 * checksums, and only when every file is good are they moved into the target. On any failure the
 * staging directory, and every directory this download created, is removed again.
 */
final class DatasetDownloader {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetDownloader.class);

    private final DownloadSource source;
    private final HttpClient http;

    DatasetDownloader(DownloadSource source) {
        this.source = source;
        this.http =
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(Duration.ofSeconds(30))
                        .proxy(ProxySelector.getDefault())
                        .build();
    }

    /**
     * Downloads every file of the source into {@code target}.
     *
     * @throws DatasetException with a message fragment saying which file failed from which mirror
     *     and why (for the caller to embed in a full sentence); nothing new is left on disk
     */
    void downloadInto(Path target) throws DatasetException {
        Path dir = target.toAbsolutePath().normalize();
        Path parent = dir.getParent();
        Path firstCreated = topmostMissing(parent);
        Path staging = null;
        boolean done = false;
        try {
            Files.createDirectories(parent);
            staging = Files.createTempDirectory(parent, "." + dir.getFileName() + ".download-");
            for (String file : new TreeSet<>(source.checksums().keySet())) {
                fetch(file, staging.resolve(file));
            }
            if (Files.exists(dir)) {
                for (String file : source.checksums().keySet()) {
                    Files.move(
                            staging.resolve(file),
                            dir.resolve(file),
                            StandardCopyOption.ATOMIC_MOVE);
                }
            } else {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
                staging = null;
            }
            done = true;
        } catch (IOException e) {
            throw new DatasetException("could not write to " + parent + " (" + e + ")", e);
        } finally {
            if (!done) {
                deleteQuietly(staging, firstCreated, parent);
            } else if (staging != null) {
                deleteQuietly(staging, null, null);
            }
        }
    }

    /** Fetches one file into {@code dest}, trying the mirrors in order. */
    private void fetch(String file, Path dest) throws DatasetException, IOException {
        String expected = source.checksums().get(file);
        List<String> failures = new ArrayList<>();
        for (URI mirror : source.mirrors()) {
            URI url = mirror.resolve(file);
            LOG.info("Downloading {}", url);
            try {
                HttpResponse<InputStream> response =
                        http.send(
                                HttpRequest.newBuilder(url).GET().build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                MessageDigest digest = digest();
                try (InputStream body = new DigestInputStream(response.body(), digest)) {
                    if (response.statusCode() != 200) {
                        failures.add(url + " answered HTTP " + response.statusCode());
                        continue;
                    }
                    Files.copy(body, dest, StandardCopyOption.REPLACE_EXISTING);
                }
                String actual = HexFormat.of().formatHex(digest.digest());
                if (actual.equalsIgnoreCase(expected)) {
                    return;
                }
                Files.delete(dest);
                failures.add(
                        url
                                + " has "
                                + source.algorithm()
                                + " "
                                + actual
                                + ", not the expected "
                                + expected
                                + ", so it was discarded");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatasetException("the download of " + url + " was interrupted", e);
            } catch (IOException e) {
                Files.deleteIfExists(dest);
                failures.add(
                        url + " failed (" + (e.getMessage() == null ? e : e.getMessage()) + ")");
            }
        }
        throw new DatasetException(String.join("; ", failures));
    }

    private MessageDigest digest() {
        try {
            return MessageDigest.getInstance(source.algorithm());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(source.algorithm() + " vanished from this JVM", e);
        }
    }

    /** The highest ancestor of {@code dir} (or {@code dir} itself) that does not exist yet. */
    private static Path topmostMissing(Path dir) {
        Path missing = null;
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    /**
     * Deletes the staging tree, then the directories from {@code parent} up to {@code firstCreated}
     * that this download created, when they are empty.
     */
    private static void deleteQuietly(Path staging, Path firstCreated, Path parent) {
        if (staging != null && Files.exists(staging)) {
            try (Stream<Path> tree = Files.walk(staging)) {
                tree.sorted(Comparator.reverseOrder()).forEach(DatasetDownloader::delete);
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("Could not remove the partial download {}: {}", staging, e.toString());
            }
        }
        if (firstCreated == null) {
            return;
        }
        for (Path p = parent; p != null && p.startsWith(firstCreated); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.warn("Could not remove {}: {}", p, e.toString());
                return;
            }
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

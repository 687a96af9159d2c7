package org.metaforge.framework.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.metaforge.framework.data.DatasetCatalog.FASHION_MNIST;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download step, against a local HTTP server serving tiny fixture files. */
class DatasetDownloadTest {

    private static final int MARKER = 6;

    @TempDir Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        served.put(
                "/fm/" + IdxFiles.TRAIN_IMAGES + ".gz",
                IdxFixtures.gzip(IdxFixtures.tinyTrainImages(MARKER)));
        served.put(
                "/fm/" + IdxFiles.TRAIN_LABELS + ".gz",
                IdxFixtures.gzip(IdxFixtures.tinyTrainLabels(MARKER)));
        served.put(
                "/fm/" + IdxFiles.TEST_IMAGES + ".gz",
                IdxFixtures.gzip(IdxFixtures.tinyTestImages()));
        served.put(
                "/fm/" + IdxFiles.TEST_LABELS + ".gz",
                IdxFixtures.gzip(IdxFixtures.tinyTestLabels(MARKER)));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    requests.incrementAndGet();
                    byte[] body = served.get(exchange.getRequestURI().getPath());
                    if (body == null) {
                        exchange.sendResponseHeaders(404, -1);
                    } else {
                        exchange.sendResponseHeaders(200, body.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(body);
                        }
                    }
                    exchange.close();
                });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI base(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** SHA-256 of every served file, by file name. */
    private Map<String, String> checksums() throws Exception {
        Map<String, String> sums = new HashMap<>();
        for (Map.Entry<String, byte[]> e : served.entrySet()) {
            sums.put(e.getKey().substring("/fm/".length()), IdxFixtures.sha256(e.getValue()));
        }
        return sums;
    }

    private DatasetCatalog catalog(Path dataRoot, boolean downloads, DownloadSource source) {
        return DatasetCatalog.builder()
                .optEnvironment(Map.of("METAFORGE_DATA", dataRoot.toString())::get)
                .optSystemDirectory(tmp.resolve("no-system-copy"))
                .optUserDataDirectory(tmp.resolve("home-data"))
                .optDownloads(downloads)
                .optDownloadSource(source)
                .build();
    }

    @Test
    void downloadsVerifiesAndLoadsFromTheFirstMirrorThatHasTheFiles() throws Exception {
        Path data = tmp.resolve("data");
        DownloadSource source =
                new DownloadSource(
                        List.of(base("/missing/"), base("/fm/")), "SHA-256", checksums());

        Dataset dataset = catalog(data, true, source).load(FASHION_MNIST);

        assertEquals(MARKER, dataset.train().label(0));
        assertEquals(3, dataset.train().size());
        assertEquals(2, dataset.test().size());
        for (Map.Entry<String, byte[]> e : served.entrySet()) {
            Path file = data.resolve(FASHION_MNIST).resolve(e.getKey().substring(4));
            assertArrayEquals(e.getValue(), Files.readAllBytes(file));
        }
        assertEquals(List.of(data.resolve(FASHION_MNIST)), list(data));
        assertEquals(8, requests.get());

        // Found in $METAFORGE_DATA next time: nothing is downloaded again.
        Dataset again = catalog(data, true, source).load(FASHION_MNIST);
        assertEquals(dataset.fingerprint(), again.fingerprint());
        assertEquals(8, requests.get());
    }

    @Test
    void downloadsIntoTheUserDataDirectoryWhenTheVariableIsUnset() throws Exception {
        DatasetCatalog catalog =
                DatasetCatalog.builder()
                        .optEnvironment(name -> null)
                        .optSystemDirectory(tmp.resolve("no-system-copy"))
                        .optUserDataDirectory(tmp.resolve("home").resolve("data"))
                        .optDownloads(true)
                        .optDownloadSource(
                                new DownloadSource(List.of(base("/fm/")), "SHA-256", checksums()))
                        .build();

        catalog.load(FASHION_MNIST);

        assertTrue(
                Files.isRegularFile(
                        tmp.resolve("home")
                                .resolve("data")
                                .resolve(FASHION_MNIST)
                                .resolve(IdxFiles.TEST_LABELS + ".gz")));
    }

    @Test
    void checksumMismatchIsRejectedAndLeavesNothingBehind() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> sums = checksums();
        String good = sums.get(IdxFiles.TRAIN_LABELS + ".gz");
        String bad = "0".repeat(64);
        sums.put(IdxFiles.TRAIN_LABELS + ".gz", bad);
        DownloadSource source = new DownloadSource(List.of(base("/fm/")), "SHA-256", sums);

        DatasetException e =
                assertThrows(
                        DatasetException.class,
                        () -> catalog(data, true, source).load(FASHION_MNIST));

        assertTrue(
                e.getMessage()
                        .contains(
                                "downloading it into "
                                        + data.resolve(FASHION_MNIST)
                                        + " failed: "
                                        + base("/fm/")
                                        + IdxFiles.TRAIN_LABELS
                                        + ".gz has SHA-256 "
                                        + good
                                        + ", not the expected "
                                        + bad
                                        + ", so it was discarded;"),
                e.getMessage());
        assertTrue(e.getMessage().startsWith("Dataset 'fashion-mnist' not found in "));
        assertTrue(
                e.getMessage()
                        .endsWith(
                                "; install it with 'apt-get install dataset-fashion-mnist', set"
                                        + " METAFORGE_DATA, or pass --data DIR."),
                e.getMessage());
        assertFalse(Files.exists(data), "the data directory made for the download remains");
    }

    @Test
    void failedDownloadKeepsAnExistingDataDirectoryAsItWas() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("notes.txt"), "mine");
        Map<String, String> sums = checksums();
        sums.put(IdxFiles.TEST_IMAGES + ".gz", "f".repeat(64));
        DownloadSource source = new DownloadSource(List.of(base("/fm/")), "SHA-256", sums);

        assertThrows(DatasetException.class, () -> catalog(data, true, source).load(FASHION_MNIST));

        assertEquals(List.of(data.resolve("notes.txt")), list(data));
    }

    @Test
    void unreachableMirrorIsReportedWithTheUrl() throws Exception {
        Path data = tmp.resolve("data");
        DownloadSource source =
                new DownloadSource(List.of(base("/nothing/")), "SHA-256", checksums());

        DatasetException e =
                assertThrows(
                        DatasetException.class,
                        () -> catalog(data, true, source).load(FASHION_MNIST));

        assertTrue(
                e.getMessage()
                        .contains(
                                base("/nothing/") + "t10k-images-idx3-ubyte.gz answered HTTP 404"),
                e.getMessage());
        assertFalse(Files.exists(data));
    }

    @Test
    void downloadsAreOffUnlessAllowed() throws Exception {
        DownloadSource source = new DownloadSource(List.of(base("/fm/")), "SHA-256", checksums());

        DatasetException e =
                assertThrows(
                        DatasetException.class,
                        () -> catalog(tmp.resolve("data"), false, source).load(FASHION_MNIST));

        assertTrue(e.getMessage().contains("downloading is off"), e.getMessage());
        assertEquals(0, requests.get());
    }

    @Test
    void defaultSourceIsTheOfficialAddressWithThePublishedMd5Sums() {
        DownloadSource source = DownloadSource.FASHION_MNIST;

        assertEquals("MD5", source.algorithm());
        assertEquals(
                URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
                source.mirrors().get(1));
        assertEquals(
                "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                source.checksums().get("train-images-idx3-ubyte.gz"));
        assertEquals(4, source.checksums().size());
    }

    @Test
    void rejectsMalformedSources() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new DownloadSource(List.of(base("/no-slash")), "SHA-256", Map.of()));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new DownloadSource(
                                List.of(base("/fm/")), "MD5", Map.of("a.gz", "0".repeat(64))));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new DownloadSource(
                                List.of(base("/fm/")),
                                "SHA-256",
                                Map.of("../a.gz", "0".repeat(64))));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        }
    }
}

package org.metaforge.experiments.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunResult;

class RunReportWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> SAMPLE_FILES =
            Set.of("result.json", "report.html", "accuracy.png", "learning-rate.png");

    /** One write of the sample, shared by the tests that only read it: rendering is slow. */
    @TempDir static Path shared;

    private static RunRecord sharedRecord;

    @TempDir Path dir;

    private final RunReportWriter writer = new RunReportWriter();

    @BeforeAll
    static void writeSampleOnce() throws IOException {
        sharedRecord = sampleRecord(true);
        new RunReportWriter().write(sharedRecord, "quickstart", shared.resolve("out"));
    }

    private static Path out() {
        return shared.resolve("out");
    }

    static RunRecord sampleRecord(boolean cached) {
        int steps = 120;
        double[] x = new double[steps];
        double[] train = new double[steps];
        double[] test = new double[steps];
        for (int i = 0; i < steps; i++) {
            x[i] = i + 1;
            train[i] = 0.5 + 0.45 * (1 - Math.exp(-i / 25.0));
            test[i] = 0.48 + 0.36 * (1 - Math.exp(-i / 30.0));
        }
        RunResult result =
                RunResult.builder()
                        .metric("test_accuracy", 0.84123456)
                        .metric("train_loss", 0.0123)
                        .metric("outer_steps", 6000)
                        .metric("final_grad_norm", Double.NaN)
                        .metric("best_loss", Double.POSITIVE_INFINITY)
                        .plot(
                                "accuracy",
                                new Plot(
                                        "Accuracy per epoch",
                                        "epoch",
                                        "accuracy",
                                        List.of(
                                                new Plot.Series("train", x, train),
                                                new Plot.Series("test", x, test))))
                        .plot(
                                "learning-rate",
                                new Plot(
                                        "Learned learning rate",
                                        "outer step",
                                        "lr",
                                        List.of(
                                                new Plot.Series(
                                                        "lr",
                                                        new double[] {0, 1, 2, 3, 4},
                                                        new double[] {
                                                            0.1, 0.08, Double.NaN, 0.05, 0.03
                                                        }))))
                        .artifact("schedule", List.of(0.1, 0.08, 0.05))
                        .artifact("best", Map.of("lr", 0.05, "momentum", 0.9, "note", "a<b & c"))
                        .event("diverged at step 17; lr halved")
                        .event("<script>alert('x')</script>")
                        .build();
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("seed", 42);
        provenance.put("device", "cpu");
        provenance.put("versions", Map.of("framework", "0.1.0", "plugin", "1.2.3"));
        provenance.put("datasets", List.of("fashion-mnist@ab12"));
        provenance.put("wall_seconds", 12.5);
        return new RunRecord("baselines/sgd", "ab12cd34", result, provenance, cached);
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void writesExactlyTheResultReportAndOnePngPerPlot() throws IOException {
        assertEquals(SAMPLE_FILES, fileNames(out()));
    }

    @Test
    void filesGetTheUsualPermissionsNotPrivateTemporaryOnes() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.writeString(shared.resolve("plain.txt"), "x");

        assertEquals(
                Files.getPosixFilePermissions(plain),
                Files.getPosixFilePermissions(out().resolve("result.json")));
    }

    @Test
    void resultJsonReadsBackWithTheSameValues() throws IOException {
        RunRecord record = sharedRecord;
        JsonNode doc = JSON.readTree(out().resolve("result.json").toFile());
        assertEquals("quickstart", doc.get("spec").asText());
        assertEquals("baselines/sgd", doc.get("component").asText());
        assertEquals("ab12cd34", doc.get("key").asText());
        assertTrue(doc.get("cached").asBoolean());

        Map<String, Double> metrics =
                JSON.convertValue(doc.get("metrics"), new TypeReference<Map<String, Double>>() {});
        assertEquals(record.result().metrics(), metrics);
        assertEquals("NaN", doc.get("metrics").get("final_grad_norm").asText());
        assertEquals("Infinity", doc.get("metrics").get("best_loss").asText());

        List<String> events =
                JSON.convertValue(doc.get("events"), new TypeReference<List<String>>() {});
        assertEquals(record.result().events(), events);

        Map<String, Object> provenance =
                JSON.convertValue(
                        doc.get("provenance"), new TypeReference<Map<String, Object>>() {});
        assertEquals(record.provenance(), provenance);

        Map<String, Object> artifacts =
                JSON.convertValue(
                        doc.get("artifacts"), new TypeReference<Map<String, Object>>() {});
        assertEquals(record.result().artifacts(), artifacts);
    }

    @Test
    void resultJsonHoldsThePlotDataToRedrawThem() throws IOException {
        JsonNode doc = JSON.readTree(out().resolve("result.json").toFile());

        JsonNode plot = doc.get("plots").get("learning-rate");
        assertEquals("Learned learning rate", plot.get("title").asText());
        assertEquals("outer step", plot.get("xLabel").asText());
        assertEquals("lr", plot.get("yLabel").asText());
        assertEquals("learning-rate.png", plot.get("file").asText());
        JsonNode series = plot.get("series").get(0);
        assertEquals("lr", series.get("name").asText());
        double[] y = JSON.convertValue(series.get("y"), double[].class);
        assertArrayEquals(new double[] {0.1, 0.08, Double.NaN, 0.05, 0.03}, y);
        assertEquals(2, doc.get("plots").get("accuracy").get("series").size());
    }

    @Test
    void resultJsonHasAFixedTopLevelOrderAndSortedKeys() throws IOException {
        JsonNode doc = JSON.readTree(out().resolve("result.json").toFile());

        List<String> top = new ArrayList<>();
        doc.fieldNames().forEachRemaining(top::add);
        assertEquals(
                List.of(
                        "formatVersion",
                        "spec",
                        "component",
                        "key",
                        "cached",
                        "metrics",
                        "artifacts",
                        "events",
                        "provenance",
                        "plots",
                        "images"),
                top);
        List<String> provenanceKeys = new ArrayList<>();
        doc.get("provenance").fieldNames().forEachRemaining(provenanceKeys::add);
        assertEquals(
                List.of("datasets", "device", "seed", "versions", "wall_seconds"), provenanceKeys);
        List<String> metricKeys = new ArrayList<>();
        doc.get("metrics").fieldNames().forEachRemaining(metricKeys::add);
        assertEquals(
                List.of(
                        "best_loss",
                        "final_grad_norm",
                        "outer_steps",
                        "test_accuracy",
                        "train_loss"),
                metricKeys);
    }

    @Test
    void writingTheSameRecordTwiceGivesIdenticalJson() throws IOException {
        writer.write(sampleRecord(true), "quickstart", dir);

        assertArrayEquals(
                Files.readAllBytes(out().resolve("result.json")),
                Files.readAllBytes(dir.resolve("result.json")));
    }

    @Test
    void plotsArePngsOfTheAdvertisedSize() throws IOException {
        for (String name : List.of("accuracy.png", "learning-rate.png")) {
            BufferedImage image = ImageIO.read(out().resolve(name).toFile());
            assertNotNull(image, name + " is not an image ImageIO can read");
            assertEquals(800, image.getWidth());
            assertEquals(500, image.getHeight());
        }
    }

    @Test
    void reportIsSelfContainedAndShowsTheData() throws IOException {
        String html = Files.readString(out().resolve("report.html"), StandardCharsets.UTF_8);

        assertTrue(html.contains("<title>quickstart \u2014 baselines/sgd</title>"));
        assertTrue(html.contains(">0.8412<"), "formatted metric value");
        assertTrue(html.contains(">6000<"), "whole-number metric");
        assertTrue(html.contains(">NaN<"), "non-finite metric");
        assertTrue(html.contains("Cached:"));
        assertFalse(html.contains("Not cached"));
        String png =
                Base64.getEncoder()
                        .encodeToString(Files.readAllBytes(out().resolve("accuracy.png")));
        assertTrue(html.contains("src=\"data:image/png;base64," + png + "\""), "embedded PNG");
        assertFalse(html.contains("http://") || html.contains("https://"), "no external links");
        assertFalse(html.contains("<link"), "no external style sheets");
        assertTrue(html.contains("fashion-mnist@ab12"), "provenance");
        assertTrue(
                html.contains("&quot;plugin&quot; : &quot;1.2.3&quot;"),
                "nested provenance as JSON");
        assertTrue(html.contains("diverged at step 17; lr halved"), "events");
    }

    @Test
    void textArtifactsShowTheirLinesAndTheirMarkdownTablesAsTables() {
        String html =
                HtmlReport.text(
                        "before\n| method | NME |\n|---|---|\n| a<b | 7.1 |\n| c | 8.2 |\n(2 videos)");
        assertEquals(
                "<pre>before</pre>\n<table>\n<tr><th>method</th><th>NME</th></tr>\n"
                        + "<tr><td>a&lt;b</td><td>7.1</td></tr>\n<tr><td>c</td><td>8.2</td></tr>\n"
                        + "</table>\n<pre>(2 videos)</pre>\n",
                html);
        assertEquals("<pre>line 1\nline 2</pre>\n", HtmlReport.text("line 1\nline 2\n"));
    }

    @Test
    void reportEscapesTextFromTheData() throws IOException {
        writer.write(sampleRecord(false), "<b>spec</b>", dir);
        String html = Files.readString(dir.resolve("report.html"), StandardCharsets.UTF_8);

        assertFalse(html.contains("<script"), "a script tag from an event reached the page");
        assertFalse(html.contains("<b>spec"));
        assertTrue(html.contains("<li>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</li>"));
        assertTrue(html.contains("&lt;b&gt;spec&lt;/b&gt;"));
        assertTrue(html.contains("a&lt;b &amp; c"), "artifact text escaped inside <pre>");
        assertTrue(html.contains("Not cached:"));
    }

    @Test
    void replacesAnEarlierRunAndLeavesNoTemporaryFiles() throws IOException {
        for (String name : SAMPLE_FILES) {
            Files.copy(out().resolve(name), dir.resolve(name));
        }
        writer.write(sampleRecord(false), "second", dir);

        assertEquals(
                Set.of("result.json", "report.html", "accuracy.png", "learning-rate.png"),
                fileNames(dir));
        assertEquals(
                "second", JSON.readTree(dir.resolve("result.json").toFile()).get("spec").asText());
    }

    @Test
    void aFailedWriteLeavesNoResultAndNoTemporaryFiles() throws IOException {
        // A non-empty directory where report.html should go cannot be replaced by a rename; the
        // PNGs are renamed into place before it, result.json only after it.
        Files.createDirectories(dir.resolve("report.html"));
        Files.writeString(dir.resolve("report.html/keep"), "x");

        assertThrows(IOException.class, () -> writer.write(sampleRecord(false), "quickstart", dir));

        assertEquals(Set.of("accuracy.png", "learning-rate.png", "report.html"), fileNames(dir));
    }

    private static byte[] png(int width, int height) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", bytes);
        return bytes.toByteArray();
    }

    /** A result as zskt/zero-shot stored it before it captioned its grids: names and steps. */
    private static RunRecord recordWithGrids() {
        Map<String, Object> grids = new LinkedHashMap<>();
        grids.put("binary-artifacts", List.of("samples-40.png", "samples-120.png"));
        grids.put("pseudo-batches", List.of(40.0, 120.0));
        RunResult result =
                RunResult.builder()
                        .metric("test_accuracy", 0.7)
                        .plot(
                                "accuracy",
                                new Plot(
                                        "Accuracy",
                                        "pseudo-batch",
                                        "accuracy",
                                        List.of(
                                                new Plot.Series(
                                                        "student",
                                                        new double[] {40, 120},
                                                        new double[] {0.6, 0.7}))))
                        .artifact("sample-grids", grids)
                        .build();
        return new RunRecord("zskt/zero-shot", "cd34", result, Map.of(), false);
    }

    @Test
    void showsPngArtefactsInTheListedOrderWithCaptionsAndWritesThemBeside() throws IOException {
        Map<String, byte[]> images = new LinkedHashMap<>();
        // the store's order is by name; the result's list puts pseudo-batch 40 first
        images.put("extra.png", png(500, 20));
        images.put("samples-120.png", png(100, 100));
        images.put("samples-40.png", png(100, 101));
        images.put("ACCURACY.png", png(3, 3));
        images.put("notes.txt", new byte[] {1});
        writer.write(recordWithGrids(), "zskt", dir, images);

        assertEquals(
                Set.of(
                        "result.json",
                        "report.html",
                        "accuracy.png",
                        "extra.png",
                        "samples-40.png",
                        "samples-120.png"),
                fileNames(dir));
        assertArrayEquals(
                images.get("samples-40.png"), Files.readAllBytes(dir.resolve("samples-40.png")));
        String html = Files.readString(dir.resolve("report.html"), StandardCharsets.UTF_8);
        Base64.Encoder b64 = Base64.getEncoder();
        int at40 = html.indexOf(b64.encodeToString(images.get("samples-40.png")));
        int at120 = html.indexOf(b64.encodeToString(images.get("samples-120.png")));
        int atExtra = html.indexOf(b64.encodeToString(images.get("extra.png")));
        assertTrue(0 < at40 && at40 < at120 && at120 < atExtra, "listed order, unlisted last");
        assertTrue(html.contains("<h3>sample-grids</h3>"));
        assertTrue(
                html.contains(
                        "<figcaption>pseudo-batches 40 (<code>samples-40.png</code>)</figcaption>"));
        assertTrue(html.contains("<figcaption><code>extra.png</code></figcaption>"));
        // small images drawn larger with sharp pixels; a wide one at its own size
        assertTrue(html.contains("class=\"pixels\" width=\"400\" height=\"404\""), html);
        assertTrue(html.contains("\" width=\"500\" height=\"20\""));
        assertFalse(html.contains("notes.txt"));
        // a plot's file name wins over an artefact's: shown, not written over the plot
        assertTrue(html.contains("<code>ACCURACY.png</code>"));
        assertFalse(
                Arrays.equals(
                        images.get("ACCURACY.png"),
                        Files.readAllBytes(dir.resolve("accuracy.png"))));

        assertEquals(
                List.of("samples-40.png", "samples-120.png", "extra.png"),
                RunReportWriter.writtenImages(dir));
        JsonNode first = JSON.readTree(dir.resolve("result.json").toFile()).get("images").get(0);
        assertEquals("sample-grids", first.get("group").asText());
        assertEquals("pseudo-batches 40", first.get("caption").asText());
    }

    @Test
    void explicitCaptionsWinAndAReportWithoutImagesHasNoImageSection() throws IOException {
        Map<String, Object> grids = new LinkedHashMap<>();
        grids.put("binary-artifacts", List.of("a.png"));
        grids.put("captions", List.of("Generated samples after pseudo-batch 7"));
        grids.put("pseudo-batches", List.of(7));
        RunRecord record =
                new RunRecord(
                        "zskt/zero-shot",
                        "ef56",
                        RunResult.builder().artifact("sample-grids", grids).build(),
                        Map.of(),
                        false);
        writer.write(record, "zskt", dir, Map.of("a.png", png(8, 8)));
        String html = Files.readString(dir.resolve("report.html"), StandardCharsets.UTF_8);
        assertTrue(
                html.contains(
                        "<figcaption>Generated samples after pseudo-batch 7 (<code>a.png</code>)"),
                html);

        String plain = Files.readString(out().resolve("report.html"), StandardCharsets.UTF_8);
        assertFalse(plain.contains("<h2>Images</h2>"));
        assertEquals(List.of(), RunReportWriter.writtenImages(out()));
    }

    @Test
    void formatsMetricsAsAnAlignedTable() {
        RunResult result =
                RunResult.builder()
                        .metric("test_accuracy", 0.84123)
                        .metric("steps", 6000)
                        .metric("nme", 0.0000123)
                        .build();

        assertEquals(
                String.join(
                        "\n",
                        "test_accuracy       0.8412",
                        "steps                 6000",
                        "nme             1.2300e-05"),
                RunReportWriter.formatMetrics(result));
        assertEquals("(no metrics)", RunReportWriter.formatMetrics(RunResult.builder().build()));
    }

    @Test
    void plotFileNamesAreSafeAndUnique() {
        Map<String, String> files =
                RunReportWriter.plotFileNames(
                        new java.util.LinkedHashSet<>(
                                List.of(
                                        "nme per video",
                                        "../etc/passwd",
                                        "Loss",
                                        "loss",
                                        ".hidden",
                                        "")));

        assertEquals("nme_per_video.png", files.get("nme per video"));
        assertEquals("__etc_passwd.png", files.get("../etc/passwd"));
        assertEquals("Loss.png", files.get("Loss"));
        assertEquals("loss-2.png", files.get("loss"));
        assertEquals("_hidden.png", files.get(".hidden"));
        assertEquals("plot.png", files.get(""));
    }
}

package org.metaforge.experiments.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunResult;

/**
 * Writes what a run leaves for its user: {@code result.json}, one PNG per plot, the run's PNG
 * artefacts (e.g. grids of generated samples) and a self-contained {@code report.html} that shows
 * all of them.
 *
 * <p>{@code result.json} holds the format version, spec name, component, cache key, cached flag,
 * metrics, artifacts, events, provenance, every plot's data (with the name of its PNG), so the
 * plots can be redrawn elsewhere, and the PNG artefacts written ({@code images}: file, group,
 * caption; see {@link ReportImages} for how a component groups and captions them). Keys inside maps
 * are sorted; non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}.
 *
 * <p>A plot named {@code name} goes to {@code name.png}; characters other than letters, digits,
 * {@code .}, {@code _} and {@code -} become {@code _}, and names that then clash (ignoring case)
 * get a {@code -2}, {@code -3} suffix. A PNG artefact keeps its own name, which must be a plain
 * file name ending in {@code .png}; one whose name a plot's file, {@code result.json} or {@code
 * report.html} already takes (ignoring case) is shown in the report but not written.
 *
 * <p>Everything is rendered in memory first, then written to hidden temporary files in the output
 * directory and renamed into place, {@code result.json} last: a crash leaves either the old files
 * or the new ones, never a half-written one, and a present {@code result.json} means its PNGs and
 * report are there too. Files of an earlier run that this one does not produce are left alone.
 *
 * <p>Plots are drawn off screen: the writer sets {@code java.awt.headless=true} unless the property
 * is already set. Instances hold no state and may be shared between threads.
 */
public final class RunReportWriter {

    /** The name of the JSON result file. */
    public static final String RESULT_FILE = "result.json";

    /** The name of the HTML report. */
    public static final String REPORT_FILE = "report.html";

    /** Creates a writer. */
    public RunReportWriter() {
        PlotRenderer.ensureHeadless();
    }

    /**
     * Writes {@code result.json}, the plots' PNGs and {@code report.html} into {@code outDir},
     * creating it if needed and replacing files of the same names.
     *
     * @param record the finished run
     * @param specName the spec's name for the report title; {@code null} leaves it out
     * @param outDir where the files go
     * @throws IOException if the directory or a file cannot be written; no partial file is left
     */
    public void write(RunRecord record, String specName, Path outDir) throws IOException {
        write(record, specName, outDir, Map.of());
    }

    /**
     * Writes {@code result.json}, the plots' PNGs, the run's PNG artefacts and {@code report.html}
     * into {@code outDir}, creating it if needed and replacing files of the same names.
     *
     * @param images the run's binary artefacts to show and write, by name; names that are not
     *     {@link #isImageArtifact image names} are ignored
     * @see #write(RunRecord, String, Path)
     */
    public void write(RunRecord record, String specName, Path outDir, Map<String, byte[]> images)
            throws IOException {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(record.result(), "record.result()");
        Objects.requireNonNull(outDir, "outDir");
        PlotRenderer.ensureHeadless();

        Map<String, String> plotFiles = plotFileNames(record.result().plots().keySet());
        Map<String, byte[]> pngs = new LinkedHashMap<>();
        for (Map.Entry<String, Plot> plot : record.result().plots().entrySet()) {
            pngs.put(plotFiles.get(plot.getKey()), PlotRenderer.png(plot.getValue()));
        }
        List<ReportImages.Image> shown = ReportImages.arrange(record.result().artifacts(), images);
        Set<String> taken = new HashSet<>();
        for (String name : pngs.keySet()) {
            taken.add(name.toLowerCase(Locale.ROOT));
        }
        taken.add(RESULT_FILE);
        taken.add(REPORT_FILE);
        List<ReportImages.Image> written = new ArrayList<>();
        for (ReportImages.Image image : shown) {
            if (taken.add(image.file().toLowerCase(Locale.ROOT))) {
                written.add(image);
            }
        }
        byte[] html =
                HtmlReport.render(record, specName, plotFiles, pngs, shown)
                        .getBytes(StandardCharsets.UTF_8);
        byte[] json = ResultJson.bytes(ResultJson.document(record, specName, plotFiles, written));

        Files.createDirectories(outDir);
        try (StagedFiles files = new StagedFiles(outDir)) {
            for (Map.Entry<String, byte[]> png : pngs.entrySet()) {
                files.stage(png.getKey(), png.getValue());
            }
            for (ReportImages.Image image : written) {
                files.stage(image.file(), image.png());
            }
            files.stage(REPORT_FILE, html);
            files.stage(RESULT_FILE, json);
            files.commit();
        }
    }

    /**
     * Whether a run's binary artefact of this name is an image that {@link #write(RunRecord,
     * String, Path, Map)} shows and writes: a plain file name (letters, digits, {@code .}, {@code
     * _}, {@code -}, not starting with {@code .}) ending in {@code .png}.
     */
    public static boolean isImageArtifact(String name) {
        return ReportImages.isImageName(name);
    }

    /**
     * The file names of the images that {@code outDir}'s {@code result.json} lists as written, in
     * order; empty if there is no such file or it lists none.
     */
    public static List<String> writtenImages(Path outDir) {
        List<String> out = new ArrayList<>();
        try {
            JsonNode images =
                    new ObjectMapper()
                            .readTree(outDir.resolve(RESULT_FILE).toFile())
                            .path("images");
            images.forEach(i -> out.add(i.path("file").asText()));
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    /**
     * Writes {@code plot} as a PNG line chart to {@code file}, creating its directory.
     *
     * @throws IOException if the file cannot be written
     */
    public static void writePng(Plot plot, Path file) throws IOException {
        Objects.requireNonNull(plot, "plot");
        byte[] png = PlotRenderer.png(plot);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        try (StagedFiles files = new StagedFiles(dir)) {
            files.stage(file.getFileName().toString(), png);
            files.commit();
        }
    }

    /**
     * A short table of the metrics for the terminal, one {@code name value} line each, names
     * left-aligned and values right-aligned, in the result's order; no trailing newline. {@code
     * "(no metrics)"} when there are none.
     */
    public static String formatMetrics(RunResult result) {
        Map<String, Double> metrics = result.metrics();
        if (metrics.isEmpty()) {
            return "(no metrics)";
        }
        int nameWidth = 0;
        int valueWidth = 0;
        Map<String, String> texts = new LinkedHashMap<>();
        for (Map.Entry<String, Double> metric : metrics.entrySet()) {
            String value = MetricFormat.format(metric.getValue());
            texts.put(metric.getKey(), value);
            nameWidth = Math.max(nameWidth, metric.getKey().length());
            valueWidth = Math.max(valueWidth, value.length());
        }
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, String> row : texts.entrySet()) {
            if (table.length() > 0) {
                table.append('\n');
            }
            table.append(
                    String.format(
                            Locale.ROOT,
                            "%-" + nameWidth + "s   %" + valueWidth + "s",
                            row.getKey(),
                            row.getValue()));
        }
        return table.toString();
    }

    /** The PNG file name of each plot, by plot name, unique even on case-insensitive disks. */
    static Map<String, String> plotFileNames(Set<String> plotNames) {
        Map<String, String> files = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (String name : plotNames) {
            String base = safeFileStem(name);
            String file = base + ".png";
            for (int k = 2; !taken.add(file.toLowerCase(Locale.ROOT)); k++) {
                file = base + "-" + k + ".png";
            }
            files.put(name, file);
        }
        return files;
    }

    private static String safeFileStem(String name) {
        String stem = name == null ? "" : name.replaceAll("[^A-Za-z0-9._-]", "_");
        // No hidden files (they would look like our temporaries) and no over-long names.
        stem = stem.replaceFirst("^\\.+", "_");
        if (stem.length() > 100) {
            stem = stem.substring(0, 100);
        }
        return stem.isEmpty() ? "plot" : stem;
    }
}

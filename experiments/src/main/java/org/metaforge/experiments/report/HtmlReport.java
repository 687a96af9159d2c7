package org.metaforge.experiments.report;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.sdk.run.Plot;
import org.metaforge.sdk.run.RunResult;

/**
 * Builds {@code report.html}: one self-contained page (inline CSS, PNGs as base64 data URIs, no
 * links out) that a user can mail or archive on its own.
 *
 * <p>Every piece of text that comes from a run is HTML-escaped. Metrics and plots keep the order
 * the component gave them; provenance is sorted by key.
 */
final class HtmlReport {

    private static final String CSS =
            """
            body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
                   margin: 2em auto; max-width: 960px; padding: 0 1em; color: #222; }
            h1 { font-size: 1.6em; margin-bottom: 0.2em; }
            h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
            h3 { font-size: 1em; margin-bottom: 0.3em; }
            .sub { color: #555; margin-top: 0; }
            .cached { background: #f3f6fa; border-left: 4px solid #1f77b4; padding: 0.4em 0.8em; }
            table { border-collapse: collapse; }
            th, td { text-align: left; vertical-align: top; padding: 0.25em 1em 0.25em 0;
                     border-bottom: 1px solid #eee; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; font-size: 0.9em;
                  margin: 0; }
            figure { margin: 1em 0; }
            figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #555; font-size: 0.9em; }
            .images { display: flex; flex-wrap: wrap; gap: 0 1.5em; }
            img.pixels { image-rendering: pixelated; }
            .none { color: #777; font-style: italic; }
            """;

    private HtmlReport() {}

    /**
     * The page for {@code record}.
     *
     * @param plotFiles the PNG file name of each plot, by plot name
     * @param pngs the PNG bytes, by file name
     * @param images the run's PNG artefacts, shown after the plots (none: no section)
     */
    static String render(
            RunRecord record,
            String specName,
            Map<String, String> plotFiles,
            Map<String, byte[]> pngs,
            List<ReportImages.Image> images) {
        RunResult result = record.result();
        String title =
                specName == null || specName.isBlank()
                        ? record.componentId()
                        : specName + " \u2014 " + record.componentId();
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>")
                .append(escape(title))
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n");
        html.append("<h1>").append(escape(title)).append("</h1>\n");
        html.append("<p class=\"sub\">component <code>")
                .append(escape(record.componentId()))
                .append("</code> &middot; cache key <code>")
                .append(escape(record.key()))
                .append("</code></p>\n");
        html.append("<p class=\"cached\">")
                .append(
                        record.cached()
                                ? "Cached: this result was answered from the store; nothing was"
                                        + " computed in this run."
                                : "Not cached: this result was computed in this run.")
                .append("</p>\n");

        metrics(html, result.metrics());
        plots(html, result.plots(), plotFiles, pngs);
        images(html, images);
        artifacts(html, result.artifacts());
        events(html, result.events());
        provenance(html, record.provenance() == null ? Map.of() : record.provenance());

        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static void metrics(StringBuilder html, Map<String, Double> metrics) {
        html.append("<h2>Metrics</h2>\n");
        if (metrics.isEmpty()) {
            html.append("<p class=\"none\">No metrics.</p>\n");
            return;
        }
        html.append("<table>\n<tr><th>metric</th><th>value</th></tr>\n");
        metrics.forEach(
                (name, value) ->
                        html.append("<tr><td>")
                                .append(escape(name))
                                .append("</td><td class=\"num\" title=\"")
                                .append(escape(String.valueOf(value)))
                                .append("\">")
                                .append(escape(MetricFormat.format(value)))
                                .append("</td></tr>\n"));
        html.append("</table>\n");
    }

    private static void plots(
            StringBuilder html,
            Map<String, Plot> plots,
            Map<String, String> plotFiles,
            Map<String, byte[]> pngs) {
        html.append("<h2>Plots</h2>\n");
        if (plots.isEmpty()) {
            html.append("<p class=\"none\">No plots.</p>\n");
            return;
        }
        Base64.Encoder base64 = Base64.getEncoder();
        plots.forEach(
                (name, plot) -> {
                    String file = plotFiles.get(name);
                    String caption =
                            plot.title() == null || plot.title().isBlank() ? name : plot.title();
                    html.append("<figure>\n<img src=\"data:image/png;base64,")
                            .append(base64.encodeToString(pngs.get(file)))
                            .append("\" width=\"")
                            .append(PlotRenderer.WIDTH)
                            .append("\" height=\"")
                            .append(PlotRenderer.HEIGHT)
                            .append("\" alt=\"")
                            .append(escape(caption))
                            .append("\">\n<figcaption>")
                            .append(escape(caption))
                            .append(" (<code>")
                            .append(escape(file))
                            .append("</code>)</figcaption>\n</figure>\n");
                });
    }

    /**
     * The run's PNG artefacts under their groups' names, each with its caption and file name; small
     * ones (a grid of 28-pixel samples) drawn 2 to 4 times larger with sharp pixels.
     */
    private static void images(StringBuilder html, List<ReportImages.Image> images) {
        if (images.isEmpty()) {
            return;
        }
        html.append("<h2>Images</h2>\n");
        Base64.Encoder base64 = Base64.getEncoder();
        String group = "";
        boolean open = false;
        for (ReportImages.Image image : images) {
            String g = image.group() == null ? "other images" : image.group();
            if (!open || !g.equals(group)) {
                if (open) {
                    html.append("</div>\n");
                }
                html.append("<h3>").append(escape(g)).append("</h3>\n<div class=\"images\">\n");
                group = g;
                open = true;
            }
            html.append("<figure>\n<img src=\"data:image/png;base64,")
                    .append(base64.encodeToString(image.png()))
                    .append('"');
            int[] size = pngSize(image.png());
            if (size != null) {
                int scale = Math.max(1, Math.min(4, 480 / Math.max(1, size[0])));
                if (scale > 1) {
                    html.append(" class=\"pixels\"");
                }
                html.append(" width=\"")
                        .append(size[0] * scale)
                        .append("\" height=\"")
                        .append(size[1] * scale)
                        .append('"');
            }
            String caption = image.caption();
            html.append(" alt=\"")
                    .append(escape(caption.isEmpty() ? image.file() : caption))
                    .append("\">\n<figcaption>");
            if (caption.isEmpty()) {
                html.append("<code>").append(escape(image.file())).append("</code>");
            } else {
                html.append(escape(caption))
                        .append(" (<code>")
                        .append(escape(image.file()))
                        .append("</code>)");
            }
            html.append("</figcaption>\n</figure>\n");
        }
        html.append("</div>\n");
    }

    /** Width and height from a PNG's header, or {@code null} if the bytes are not a PNG. */
    static int[] pngSize(byte[] png) {
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        if (png == null || png.length < 24) {
            return null;
        }
        for (int i = 0; i < signature.length; i++) {
            if (png[i] != signature[i]) {
                return null;
            }
        }
        java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(png, 16, 8);
        return new int[] {header.getInt(), header.getInt()};
    }

    private static void artifacts(StringBuilder html, Map<String, Object> artifacts) {
        html.append("<h2>Artifacts</h2>\n");
        if (artifacts.isEmpty()) {
            html.append("<p class=\"none\">No artifacts.</p>\n");
            return;
        }
        artifacts.forEach(
                (name, value) -> {
                    html.append("<h3>").append(escape(name)).append("</h3>\n");
                    if (value instanceof String text) {
                        html.append(text(text));
                    } else {
                        html.append("<pre>")
                                .append(escape(ResultJson.prettyText(value)))
                                .append("</pre>\n");
                    }
                });
    }

    /**
     * A text artefact as the page shows it: its Markdown table rows (lines starting with {@code |})
     * as an HTML table, the first row as the header and {@code |---|} rows dropped; every other run
     * of lines as preformatted text, with its line breaks.
     */
    static String text(String text) {
        StringBuilder out = new StringBuilder();
        List<String> rows = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        for (String line : text.split("\\R", -1)) {
            if (line.startsWith("|")) {
                flushPlain(out, plain);
                rows.add(line);
            } else {
                flushTable(out, rows);
                plain.append(line).append('\n');
            }
        }
        flushTable(out, rows);
        flushPlain(out, plain);
        return out.toString();
    }

    private static void flushPlain(StringBuilder out, StringBuilder plain) {
        String body = plain.toString().strip();
        if (!body.isEmpty()) {
            out.append("<pre>").append(escape(body)).append("</pre>\n");
        }
        plain.setLength(0);
    }

    private static void flushTable(StringBuilder out, List<String> rows) {
        if (rows.isEmpty()) {
            return;
        }
        out.append("<table>\n");
        boolean header = true;
        for (String row : rows) {
            if (row.matches("\\|[\\s|:-]*\\|?")) {
                continue;
            }
            String cellTag = header ? "th" : "td";
            out.append("<tr>");
            String inner = row.substring(1, row.endsWith("|") ? row.length() - 1 : row.length());
            for (String cell : inner.split("\\|", -1)) {
                out.append('<')
                        .append(cellTag)
                        .append('>')
                        .append(escape(cell.strip()))
                        .append("</")
                        .append(cellTag)
                        .append('>');
            }
            out.append("</tr>\n");
            header = false;
        }
        out.append("</table>\n");
        rows.clear();
    }

    private static void events(StringBuilder html, List<String> events) {
        html.append("<h2>Events</h2>\n");
        if (events.isEmpty()) {
            html.append("<p class=\"none\">No events.</p>\n");
            return;
        }
        html.append("<ol>\n");
        events.forEach(e -> html.append("<li>").append(escape(e)).append("</li>\n"));
        html.append("</ol>\n");
    }

    private static void provenance(StringBuilder html, Map<String, Object> provenance) {
        html.append("<h2>Provenance</h2>\n");
        if (provenance.isEmpty()) {
            html.append("<p class=\"none\">No provenance recorded.</p>\n");
            return;
        }
        html.append("<table>\n");
        TreeMap<String, Object> sorted = new TreeMap<>();
        provenance.forEach((k, v) -> sorted.put(String.valueOf(k), v));
        sorted.forEach(
                (key, value) -> {
                    html.append("<tr><th>").append(escape(key)).append("</th><td>");
                    if (value instanceof Map<?, ?>
                            || value instanceof Collection<?>
                            || (value != null && value.getClass().isArray())) {
                        html.append("<pre>")
                                .append(escape(ResultJson.prettyText(value)))
                                .append("</pre>");
                    } else {
                        html.append(escape(scalarText(value)));
                    }
                    html.append("</td></tr>\n");
                });
        html.append("</table>\n");
    }

    private static String scalarText(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        // Anything else (a record, a bean) reads best as the JSON it is stored as.
        return ResultJson.prettyText(value);
    }

    /** Escapes the five characters that are special in HTML text and attribute values. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

package org.metaforge.experiments.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.sdk.run.Plot;

/**
 * Builds the {@code result.json} document and turns arbitrary JSON-able values into Jackson trees.
 *
 * <p>Two rules make the file stable and always valid JSON:
 *
 * <ul>
 *   <li>Object keys inside metrics, artifacts, provenance and plots are sorted (by their string
 *       form); the top level and each plot object have a fixed field order.
 *   <li>Non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"} and {@code
 *       "-Infinity"}. Strings rather than {@code null} keep a diverged metric distinguishable from
 *       a missing one; Jackson reads them back into {@code double}, and {@code float("NaN")} in
 *       Python and {@code numpy.array(..., dtype=float)} accept them.
 * </ul>
 */
final class ResultJson {

    /** Version of this document's layout; bump it when fields change meaning. */
    static final int FORMAT_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResultJson() {}

    /**
     * The whole document for {@code record}.
     *
     * @param plotFiles the PNG file name written for each plot, by plot name
     * @param images the run's PNG artefacts written beside the report, in the report's order
     */
    static ObjectNode document(
            RunRecord record,
            String specName,
            Map<String, String> plotFiles,
            List<ReportImages.Image> images) {
        ObjectNode doc = NODES.objectNode();
        doc.put("formatVersion", FORMAT_VERSION);
        doc.put("spec", specName);
        doc.put("component", record.componentId());
        doc.put("key", record.key());
        doc.put("cached", record.cached());
        doc.set("metrics", toNode(record.result().metrics()));
        doc.set("artifacts", toNode(record.result().artifacts()));
        doc.set("events", toNode(record.result().events()));
        doc.set("provenance", toNode(record.provenance() == null ? Map.of() : record.provenance()));
        ObjectNode plots = NODES.objectNode();
        new TreeMap<>(record.result().plots())
                .forEach((name, plot) -> plots.set(name, plotNode(plot, plotFiles.get(name))));
        doc.set("plots", plots);
        ArrayNode files = doc.putArray("images");
        for (ReportImages.Image image : images) {
            ObjectNode node = files.addObject();
            node.put("file", image.file());
            node.put("group", image.group());
            node.put("caption", image.caption());
        }
        return doc;
    }

    /** Pretty-printed UTF-8 bytes of {@code node}, ending with a newline. */
    static byte[] bytes(JsonNode node) throws IOException {
        String text = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Pretty-printed text of {@code value} after {@link #toNode}, for display. */
    static String prettyText(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toNode(value));
        } catch (IOException e) {
            // Only a bug in the tree building could get here: the tree holds plain nodes only.
            throw new IllegalStateException("Could not print a JSON tree", e);
        }
    }

    private static ObjectNode plotNode(Plot plot, String file) {
        ObjectNode node = NODES.objectNode();
        node.put("title", plot.title());
        node.put("xLabel", plot.xLabel());
        node.put("yLabel", plot.yLabel());
        node.put("file", file);
        ArrayNode series = node.putArray("series");
        for (Plot.Series s : plot.series()) {
            ObjectNode line = series.addObject();
            line.put("name", s.name());
            line.set("x", toNode(s.x()));
            line.set("y", toNode(s.y()));
        }
        return node;
    }

    /**
     * Converts a JSON-able value (maps, iterables, arrays, numbers, strings, booleans, null) into a
     * tree, sorting map keys and spelling non-finite numbers as strings. Other objects go through
     * Jackson's own conversion (records, beans) and, if Jackson cannot convert them, become their
     * {@code toString()} so that an odd provenance value never loses the rest of the result.
     */
    static JsonNode toNode(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof JsonNode node) {
            return normalise(node);
        }
        if (value instanceof CharSequence || value instanceof Character) {
            return NODES.textNode(value.toString());
        }
        if (value instanceof Enum<?> e) {
            return NODES.textNode(e.name());
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Number n) {
            return numberNode(n);
        }
        if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            ObjectNode node = NODES.objectNode();
            sorted.forEach((k, v) -> node.set(k, toNode(v)));
            return node;
        }
        if (value instanceof Iterable<?> items) {
            ArrayNode node = NODES.arrayNode();
            items.forEach(item -> node.add(toNode(item)));
            return node;
        }
        if (value.getClass().isArray()) {
            ArrayNode node = NODES.arrayNode();
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                node.add(toNode(Array.get(value, i)));
            }
            return node;
        }
        try {
            return normalise(MAPPER.valueToTree(value));
        } catch (IllegalArgumentException e) {
            return NODES.textNode(value.toString());
        }
    }

    private static JsonNode numberNode(Number n) {
        if (n instanceof Double || n instanceof Float) {
            return doubleNode(n.doubleValue());
        }
        if (n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return NODES.numberNode(n.intValue());
        }
        if (n instanceof Long) {
            return NODES.numberNode(n.longValue());
        }
        if (n instanceof BigInteger big) {
            return NODES.numberNode(big);
        }
        if (n instanceof BigDecimal big) {
            return NODES.numberNode(big);
        }
        return doubleNode(n.doubleValue());
    }

    private static JsonNode doubleNode(double v) {
        return Double.isFinite(v) ? NODES.numberNode(v) : NODES.textNode(Double.toString(v));
    }

    private static JsonNode normalise(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            node.properties().forEach(field -> sorted.put(field.getKey(), field.getValue()));
            ObjectNode copy = NODES.objectNode();
            sorted.forEach((k, v) -> copy.set(k, normalise(v)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            node.forEach(item -> copy.add(normalise(item)));
            return copy;
        }
        if (node.isDouble() || node.isFloat()) {
            return doubleNode(node.doubleValue());
        }
        return node;
    }
}

package org.metaforge.experiments.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A run's PNG binary artefacts (e.g. zskt's grids of generated samples) in the order and with the
 * captions the report shows them.
 *
 * <p>A JSON artefact that is a map with a list {@value #LIST_KEY} of artefact names groups those
 * images under its own name, in the listed order. Image {@code i} of such a group is captioned by
 * element {@code i} of the map's list {@value #CAPTIONS_KEY} when it has one of the same length,
 * else by element {@code i} of each other list of that length with its key (e.g. {@code
 * pseudo-batches 60}). Images no artefact lists come last, in the order given, without captions.
 * The report shows every image's file name beside its caption.
 */
final class ReportImages {

    /** The key of a JSON artefact's list of binary artefact names. */
    static final String LIST_KEY = "binary-artifacts";

    /** The key of the captions that go with {@value #LIST_KEY}. */
    static final String CAPTIONS_KEY = "captions";

    /**
     * One image of the report.
     *
     * @param file its file name, as saved by the run and as written beside the report
     * @param group the artefact that lists it, or {@code null}
     * @param caption what the report says under it, beside the file name (may be empty)
     * @param png its bytes
     */
    record Image(String file, String group, String caption, byte[] png) {}

    private ReportImages() {}

    /** Whether a binary artefact of this name is shown in the report and written beside it. */
    static boolean isImageName(String name) {
        return name != null
                && name.toLowerCase(Locale.ROOT).endsWith(".png")
                && name.matches("[A-Za-z0-9._-]+")
                && !name.startsWith(".");
    }

    /**
     * The images of {@code pngs} (binary artefacts by name), arranged by what {@code artifacts}
     * says of them; names that {@link #isImageName} rejects are left out.
     */
    static List<Image> arrange(Map<String, Object> artifacts, Map<String, byte[]> pngs) {
        Map<String, byte[]> left = new LinkedHashMap<>();
        pngs.forEach(
                (name, bytes) -> {
                    if (isImageName(name)) {
                        left.put(name, bytes);
                    }
                });
        List<Image> out = new ArrayList<>();
        artifacts.forEach(
                (group, value) -> {
                    if (!(value instanceof Map<?, ?> map)
                            || !(map.get(LIST_KEY) instanceof List<?> files)) {
                        return;
                    }
                    for (int i = 0; i < files.size(); i++) {
                        String file = String.valueOf(files.get(i));
                        byte[] png = left.remove(file);
                        if (png != null) {
                            out.add(new Image(file, group, caption(map, files.size(), i), png));
                        }
                    }
                });
        left.forEach((file, png) -> out.add(new Image(file, null, "", png)));
        return out;
    }

    private static String caption(Map<?, ?> map, int n, int i) {
        if (map.get(CAPTIONS_KEY) instanceof List<?> captions && captions.size() == n) {
            return String.valueOf(captions.get(i));
        }
        StringBuilder text = new StringBuilder();
        String sep = "";
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!LIST_KEY.equals(e.getKey())
                    && e.getValue() instanceof List<?> l
                    && l.size() == n
                    && isScalar(l.get(i))) {
                text.append(sep).append(e.getKey()).append(' ').append(scalarText(l.get(i)));
                sep = ", ";
            }
        }
        return text.toString();
    }

    private static boolean isScalar(Object o) {
        return o instanceof Number || o instanceof CharSequence || o instanceof Boolean;
    }

    private static String scalarText(Object o) {
        if (o instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.valueOf(d.longValue());
        }
        return String.valueOf(o);
    }

    /** The names in {@code images}, in order. */
    static Set<String> files(List<Image> images) {
        Set<String> out = new LinkedHashSet<>();
        images.forEach(i -> out.add(i.file()));
        return out;
    }
}

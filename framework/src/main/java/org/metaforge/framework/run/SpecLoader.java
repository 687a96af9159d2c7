package org.metaforge.framework.run;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.metaforge.framework.BadInputException;

/**
 * Reads YAML experiment specs and applies {@code --set key=value} overrides.
 *
 * <p>Every problem in a spec is reported at once, each naming the file, the key and what would be
 * accepted.
 */
public final class SpecLoader {

    /** The top-level keys a spec may have. */
    public static final Set<String> KEYS =
            Set.of(
                    "name",
                    "description",
                    "component",
                    "config",
                    "dataset",
                    "data",
                    "seed",
                    "device");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Reads and checks the spec at {@code file}. */
    public ExperimentSpec load(Path file) throws BadInputException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(
                    "Spec file "
                            + file
                            + " does not exist. Pass the path of a YAML spec, e.g."
                            + " experiments/specs/quickstart.yaml.");
        } catch (IOException e) {
            throw new BadInputException("Cannot read spec file " + file + ": " + e.getMessage());
        }
        String base = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return parse(text, file, base);
    }

    /** Parses spec text; {@code source} is used in messages and may be null. */
    public ExperimentSpec parse(String text, Path source, String defaultName)
            throws BadInputException {
        String where = source == null ? "the spec" : source.toString();
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String at =
                    loc == null
                            ? ""
                            : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new BadInputException(
                    "Spec "
                            + where
                            + " is not valid YAML"
                            + at
                            + ": "
                            + e.getOriginalMessage()
                            + ". Fix the syntax (indentation with spaces, 'key: value').");
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(
                    "Spec "
                            + where
                            + " must be a YAML mapping with at least 'component:' and 'dataset:'.");
        }
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                problems.add(
                        "unknown key '"
                                + k
                                + "'; accepted keys are "
                                + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        String component = text(root, "component", null, problems, true);
        String dataset = text(root, "dataset", "fashion-mnist-subset", problems, false);
        String name = text(root, "name", defaultName, problems, false);
        String device = text(root, "device", "auto", problems, false);
        String data = text(root, "data", null, problems, false);
        long seed = 0;
        JsonNode s = root.get("seed");
        if (s != null && !s.isNull()) {
            if (s.canConvertToLong() && s.isIntegralNumber()) {
                seed = s.asLong();
            } else {
                problems.add("'seed' must be a whole number, got '" + s.asText() + "'");
            }
        }
        Map<String, Object> config = new LinkedHashMap<>();
        JsonNode c = root.get("config");
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                problems.add("'config' must be a mapping of the component's settings");
            } else {
                config = YAML.convertValue(c, LinkedHashMap.class);
            }
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(
                    "Spec "
                            + where
                            + " has "
                            + problems.size()
                            + " problem(s): "
                            + String.join("; ", problems)
                            + ".");
        }
        return new ExperimentSpec(
                name,
                source,
                component,
                config,
                dataset,
                data == null ? null : dataDirectory(source, data),
                seed,
                device);
    }

    /**
     * The spec's {@code data:} directory: an absolute path as given, a relative one against the
     * directory of the spec file (so a spec and its data move together and the spec runs from any
     * working directory), or against the working directory for spec text without a file.
     */
    static Path dataDirectory(Path source, String data) {
        Path given = Path.of(data);
        if (given.isAbsolute() || source == null) {
            return given;
        }
        Path dir = source.toAbsolutePath().getParent();
        return dir == null ? given : dir.resolve(given).normalize();
    }

    private static String text(
            JsonNode root, String key, String dflt, List<String> problems, boolean required) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            if (required) {
                problems.add("missing '" + key + "' (e.g. '" + key + ": baselines/sgd')");
            }
            return dflt;
        }
        if (!n.isValueNode()) {
            problems.add("'" + key + "' must be a single value, not a list or mapping");
            return dflt;
        }
        return n.asText();
    }

    /**
     * Applies overrides such as {@code seed=3}, {@code device=cpu}, {@code dataset=fashion-mnist}
     * or {@code config.lr=[0.05]} (a bare key means {@code config.<key>}).
     */
    public ExperimentSpec override(ExperimentSpec spec, List<String> assignments)
            throws BadInputException {
        ExperimentSpec out = spec;
        Map<String, Object> config = new LinkedHashMap<>(spec.config());
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException(
                        "Override '" + a + "' is not of the form key=value (e.g. --set epochs=3).");
            }
            String key = a.substring(0, eq).trim();
            String value = a.substring(eq + 1).trim();
            switch (key) {
                case "seed" -> {
                    try {
                        out = out.withSeed(Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        throw new BadInputException(
                                "Override seed=" + value + " is not a whole number.");
                    }
                }
                case "device" -> out = out.withDevice(value);
                case "data" -> out = out.withDataDir(Path.of(value));
                case "dataset" ->
                        out =
                                new ExperimentSpec(
                                        out.name(),
                                        out.source(),
                                        out.component(),
                                        out.config(),
                                        value,
                                        out.dataDir(),
                                        out.seed(),
                                        out.device());
                default -> {
                    String k = key.startsWith("config.") ? key.substring(7) : key;
                    config.put(k, parseValue(value));
                }
            }
        }
        return out.withConfig(config);
    }

    private static Object parseValue(String value) {
        try {
            Object v = YAML.readValue(value, Object.class);
            return v == null ? value : v;
        } catch (JsonProcessingException e) {
            return value;
        }
    }
}

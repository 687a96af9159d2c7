package org.metaforge.sdk.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a configuration record's {@link Param} annotations: describes its fields, binds spec values
 * to a validated record, and writes a record back to canonical values.
 *
 * <p>Supported field types: {@code int}, {@code long}, {@code double}, {@code boolean}, {@code
 * String}, enums, {@code List<Double>}, {@code List<Integer>}, {@code List<String>} and {@code
 * Map<String, Object>} (passed through, for nested component configurations).
 *
 * @param <C> the record type
 */
public final class ConfigSchema<C extends Record> {

    private final Class<C> type;
    private final List<Field> fields;

    private ConfigSchema(Class<C> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        this.type = type;
        List<Field> fs = new ArrayList<>();
        for (RecordComponent rc : type.getRecordComponents()) {
            Param p = rc.getAnnotation(Param.class);
            if (p == null) {
                throw new IllegalArgumentException(
                        type.getName()
                                + "."
                                + rc.getName()
                                + " has no @Param: every config field needs a description");
            }
            fs.add(new Field(rc, kebab(rc.getName()), p));
        }
        this.fields = List.copyOf(fs);
    }

    /** The schema of {@code type}; throws if a component lacks {@link Param}. */
    public static <C extends Record> ConfigSchema<C> of(Class<C> type) {
        return new ConfigSchema<>(type);
    }

    /** The record type. */
    public Class<C> type() {
        return type;
    }

    /** The fields, in declaration order. */
    public List<FieldInfo> fields() {
        List<FieldInfo> out = new ArrayList<>();
        for (Field f : fields) {
            out.add(
                    new FieldInfo(
                            f.key,
                            typeName(f.rc.getGenericType()),
                            f.param.defaultValue().isEmpty() ? null : f.param.defaultValue(),
                            range(f),
                            f.param.value()));
        }
        return out;
    }

    /** The record with every field at its default; throws if a field is required. */
    public C defaults() {
        return bind(Map.of(), "defaults of " + type.getSimpleName());
    }

    /**
     * Binds spec values to a validated record.
     *
     * @param values kebab-case keys to YAML-like values (numbers, strings, booleans, lists, maps);
     *     strings are parsed, so {@code --set} overrides work too
     * @param where what is being bound, for messages, e.g. {@code "config of baselines/sgd in
     *     quickstart.yaml"}
     * @throws ConfigException listing every unknown key, missing key, bad value and failed
     *     cross-field check
     */
    public C bind(Map<String, ?> values, String where) {
        ConfigProblems problems = new ConfigProblems(where);
        TreeSet<String> known = new TreeSet<>();
        for (Field f : fields) {
            known.add(f.key);
        }
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                problems.add(key, "unknown key; accepted keys are " + String.join(", ", known));
            }
        }
        Object[] args = new Object[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            Object raw = values.containsKey(f.key) ? values.get(f.key) : null;
            if (raw == null) {
                if (f.param.defaultValue().isEmpty()) {
                    problems.add(f.key, "missing; " + f.param.value());
                    continue;
                }
                raw = f.param.defaultValue();
            }
            try {
                args[i] = convert(f, raw);
            } catch (IllegalArgumentException e) {
                problems.add(f.key, e.getMessage());
            }
        }
        problems.throwIfAny();
        try {
            Constructor<C> ctor =
                    type.getDeclaredConstructor(
                            Arrays.stream(type.getRecordComponents())
                                    .map(RecordComponent::getType)
                                    .toArray(Class<?>[]::new));
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException ce) {
                throw new ConfigException(where, ce.problems());
            }
            if (cause instanceof IllegalArgumentException) {
                throw new ConfigException(where, List.of(cause.getMessage()));
            }
            throw new IllegalStateException("Constructing " + type.getName() + " failed", cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot construct " + type.getName(), e);
        }
    }

    /** Binds {@code base} with {@code overrides} laid over it (both kebab-case keyed). */
    public C bindWith(Map<String, ?> base, Map<String, ?> overrides, String where) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        merged.putAll(overrides);
        return bind(merged, where);
    }

    /**
     * The canonical values of {@code config}: kebab-case keys in declaration order, numbers as
     * {@code Long}/{@code Double}, enums as lowercase kebab strings. Equal configs give equal maps.
     */
    public Map<String, Object> toValues(C config) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field f : fields) {
            try {
                out.put(f.key, canonical(f.rc.getAccessor().invoke(config)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot read " + f.key, e);
            }
        }
        return out;
    }

    private static Object canonical(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Float fl) {
            return fl.doubleValue();
        }
        if (v instanceof Enum<?> e) {
            return enumText(e);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(canonical(o));
            }
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.TreeMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), canonical(val)));
            return out;
        }
        return v;
    }

    /** The spec spelling of an enum constant: lowercase, underscores as dashes. */
    public static String enumText(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** camelCase to kebab-case. */
    public static String kebab(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('-').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private Object convert(Field f, Object raw) {
        Type t = f.rc.getGenericType();
        Class<?> c = f.rc.getType();
        if (c == List.class) {
            Type elem = ((ParameterizedType) t).getActualTypeArguments()[0];
            List<?> items = asList(raw);
            List<Object> out = new ArrayList<>();
            for (Object item : items) {
                out.add(scalar(f, (Class<?>) elem, item));
            }
            return List.copyOf(out);
        }
        if (c == Map.class) {
            if (!(raw instanceof Map<?, ?> m)) {
                if (raw instanceof String s && s.isBlank() || "{}".equals(raw)) {
                    return Map.of();
                }
                throw new IllegalArgumentException("expected a map of keys to values, got " + raw);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return java.util.Collections.unmodifiableMap(out);
        }
        return scalar(f, c, raw);
    }

    private static List<?> asList(Object raw) {
        if (raw instanceof List<?> l) {
            return l;
        }
        String s = String.valueOf(raw).trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1).trim();
        }
        if (s.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            out.add(part.trim());
        }
        return out;
    }

    private Object scalar(Field f, Class<?> c, Object raw) {
        if (c == String.class) {
            String s = String.valueOf(raw);
            String[] allowed = f.param.oneOf();
            if (allowed.length > 0 && !Arrays.asList(allowed).contains(s)) {
                throw new IllegalArgumentException(
                        "'" + s + "' is not one of " + String.join(", ", allowed));
            }
            return s;
        }
        if (c == boolean.class || c == Boolean.class) {
            if (raw instanceof Boolean b) {
                return b;
            }
            String s = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
            }
            throw new IllegalArgumentException("expected true or false, got '" + raw + "'");
        }
        if (c.isEnum()) {
            String s = String.valueOf(raw).trim();
            List<String> names = new ArrayList<>();
            for (Object k : c.getEnumConstants()) {
                Enum<?> e = (Enum<?>) k;
                names.add(enumText(e));
                if (enumText(e).equalsIgnoreCase(s) || e.name().equalsIgnoreCase(s)) {
                    return e;
                }
            }
            throw new IllegalArgumentException(
                    "'" + s + "' is not one of " + String.join(", ", names));
        }
        double d = number(raw);
        checkRange(f, d);
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            if (d != Math.rint(d)) {
                throw new IllegalArgumentException("expected a whole number, got " + raw);
            }
            if (c == int.class || c == Integer.class) {
                if (d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
                    throw new IllegalArgumentException(raw + " does not fit in an int");
                }
                return (int) d;
            }
            return (long) d;
        }
        if (c == double.class || c == Double.class) {
            return d;
        }
        if (c == float.class || c == Float.class) {
            return (float) d;
        }
        throw new IllegalStateException(
                "Unsupported config field type " + c.getName() + " for '" + f.key + "'");
    }

    private static double number(Object raw) {
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        String s = String.valueOf(raw).trim();
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number, got '" + s + "'");
        }
    }

    private static void checkRange(Field f, double d) {
        Param p = f.param;
        boolean lowOk = p.minExclusive() ? d > p.min() : d >= p.min();
        if (!lowOk || d > p.max()) {
            throw new IllegalArgumentException(fmt(d) + " is out of range; accepted: " + range(f));
        }
    }

    private static String range(Field f) {
        Param p = f.param;
        Class<?> c = f.rc.getType();
        if (c.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object k : c.getEnumConstants()) {
                names.add(enumText((Enum<?>) k));
            }
            return String.join(" | ", names);
        }
        if (p.oneOf().length > 0) {
            return String.join(" | ", p.oneOf());
        }
        boolean hasMin = p.min() != Double.NEGATIVE_INFINITY;
        boolean hasMax = p.max() != Double.POSITIVE_INFINITY;
        if (!hasMin && !hasMax) {
            return "";
        }
        String lo = hasMin ? (p.minExclusive() ? "(" : "[") + fmt(p.min()) : "(-inf";
        String hi = hasMax ? fmt(p.max()) + "]" : "inf)";
        return lo + ", " + hi;
    }

    private static String fmt(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    private static String typeName(Type t) {
        if (t instanceof ParameterizedType pt) {
            Class<?> raw = (Class<?>) pt.getRawType();
            if (raw == List.class) {
                return "list of " + typeName(pt.getActualTypeArguments()[0]);
            }
            return "map";
        }
        Class<?> c = (Class<?>) t;
        if (c.isEnum()) {
            return "choice";
        }
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
            return "integer";
        }
        if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
            return "number";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "boolean";
        }
        return "string";
    }

    /**
     * One field as {@code metaforge describe} prints it.
     *
     * @param key the spec key (kebab-case)
     * @param type a readable type name
     * @param defaultValue the default as written in a spec, or null if required
     * @param range accepted values, e.g. {@code "(0, 10]"} or {@code "mlp | lenet"}; empty if any
     * @param description one-line meaning
     */
    public record FieldInfo(
            String key, String type, String defaultValue, String range, String description) {}

    private record Field(RecordComponent rc, String key, Param param) {}
}

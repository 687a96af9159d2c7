package org.metaforge.sdk.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem found in a configuration so they are reported together. */
public final class ConfigProblems {

    private final String where;
    private final List<String> problems = new ArrayList<>();

    /**
     * Starts an empty collection.
     *
     * @param where what is being checked, e.g. {@code "config of baselines/sgd"}
     */
    public ConfigProblems(String where) {
        this.where = where;
    }

    /** Adds a problem with the field {@code key}: a sentence that says what would be accepted. */
    public ConfigProblems add(String key, String problem) {
        problems.add("'" + key + "': " + problem);
        return this;
    }

    /** Adds problems collected elsewhere, each prefixed with {@code prefix}. */
    public ConfigProblems addAll(String prefix, List<String> others) {
        for (String p : others) {
            problems.add(prefix + p);
        }
        return this;
    }

    /** Whether nothing was found. */
    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** The problems found so far. */
    public List<String> list() {
        return List.copyOf(problems);
    }

    /** Throws a {@link ConfigException} listing every problem, if there is any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(where, problems);
        }
    }
}

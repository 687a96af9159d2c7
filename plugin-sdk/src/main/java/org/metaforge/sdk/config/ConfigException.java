package org.metaforge.sdk.config;

import java.util.List;

/** A configuration was rejected; the message lists every problem found, one per line. */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The individual problems. */
    private final List<String> problems;

    /**
     * Creates the exception.
     *
     * @param where what was checked, e.g. {@code "config of baselines/sgd"}
     * @param problems one sentence each, naming the key, the value and what is accepted
     */
    public ConfigException(String where, List<String> problems) {
        super(format(where, problems));
        this.problems = List.copyOf(problems);
    }

    /** The individual problems. */
    public List<String> problems() {
        return problems;
    }

    private static String format(String where, List<String> problems) {
        StringBuilder sb = new StringBuilder("Invalid ").append(where).append(':');
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}

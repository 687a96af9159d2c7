package org.metaforge.sdk.config;

import java.util.Map;

/** What {@link org.metaforge.sdk.Component#validate} may check beyond single fields. */
public interface Validation {

    /** Reports a problem with the field {@code key}: a sentence saying what would be accepted. */
    void problem(String key, String message);

    /**
     * Checks that {@code componentId} exists and accepts {@code config}; problems are reported
     * under {@code key}.
     */
    void component(String key, String componentId, Map<String, Object> config);
}

package org.metaforge.framework.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.metaforge.store.Envelope;

/** Stores run records as JSON envelopes (never Java serialisation of plugin classes). */
public final class ResultCodec {

    private static final ObjectMapper JSON =
            // Map order is kept as the component wrote it, so a cached answer prints like a fresh
            // one.
            JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private ResultCodec() {}

    /** The record as an envelope of {@code type}. */
    public static Envelope envelope(String type, RunRecord record) {
        try {
            return Envelope.json(
                    type, ExperimentRunner.RESULT_FORMAT, JSON.writeValueAsBytes(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "Result of " + record.componentId() + " is not JSON-able: " + e.getMessage(),
                    e);
        }
    }

    /** The record in an envelope written by {@link #envelope}. */
    public static RunRecord decode(Envelope envelope) {
        try {
            return JSON.readValue(envelope.payload(), RunRecord.class);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Stored result is unreadable (format "
                            + envelope.formatVersion()
                            + "); run with --no-cache to recompute it: "
                            + e.getMessage(),
                    e);
        }
    }

    /** A few strings shown by {@code metaforge runs}: component, spec and the accuracies. */
    public static Map<String, String> summary(RunRecord record, String spec) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("component", record.componentId());
        s.put("spec", spec);
        record.result()
                .metrics()
                .forEach(
                        (k, v) -> {
                            if (k.endsWith("accuracy")) {
                                s.put(k, String.format(java.util.Locale.ROOT, "%.4f", v));
                            }
                        });
        return s;
    }
}

package org.metaforge.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Writes the store fixture {@code golden/store-format1/} ({@code store.db} and its journal): a
 * store in format 1, whose values are bare envelopes not bound to their keys.
 *
 * <p>It was written once by the store of commit 7b42258 (the last one writing format 1), with this
 * class compiled against that commit's {@code store/src/main}; never regenerate it with a newer
 * store, which writes another format: {@code java -cp <that classpath>
 * org.metaforge.store.LegacyStoreFixture store/src/test/resources}.
 */
public final class LegacyStoreFixture {

    static final String RESOURCE = "/golden/store-format1/store.db";

    static final CacheKey RUN = key(1);
    static final CacheKey TRIAL = key(2);
    static final CacheKey UNFINISHED = key(3);

    static final Envelope RUN_RESULT =
            new Envelope(
                    1,
                    Envelope.RUN_RESULT,
                    Instant.parse("2026-01-02T03:04:05Z"),
                    "{\"accuracy\":0.5}".getBytes(StandardCharsets.UTF_8),
                    Envelope.JSON);
    static final Map<String, String> RUN_SUMMARY = Map.of("component", "demo/sgd");

    static final Envelope TRIAL_RESULT =
            new Envelope(
                    1,
                    Envelope.TRIAL_RESULT,
                    Instant.parse("2026-01-02T03:04:06Z"),
                    new byte[] {1, 2, 3, 4, 5},
                    Envelope.RAW);
    static final Map<String, String> TRIAL_SUMMARY = Map.of("index", "1");

    static final byte[] WEIGHTS = {9, 8, 7};
    static final byte[] STEP = "41".getBytes(StandardCharsets.US_ASCII);

    private LegacyStoreFixture() {}

    static CacheKey key(int seed) {
        return CacheKey.builder().component("demo/sgd", "1.0.0").seed(seed).build();
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources");
        Path file = root.resolve(RESOURCE.substring(1));
        Files.createDirectories(file.getParent());
        try (ResultStore store = ResultStore.open(file, Duration.ZERO)) {
            store.putResult(RUN, RUN_RESULT, RUN_SUMMARY);
            store.putResult(TRIAL, TRIAL_RESULT, TRIAL_SUMMARY);
            store.putArtifact(RUN, "weights", WEIGHTS);
            store.putCheckpoint(UNFINISHED, "step", STEP);
        }
        System.out.println("wrote " + file + " and its journal");
    }
}

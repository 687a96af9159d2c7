package org.metaforge.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Writes the golden fixture files under {@code src/test/resources/golden}.
 *
 * <p>Run once when a layout version is introduced, then check the file in and never regenerate it:
 * {@code java -cp <test classpath> org.metaforge.store.GoldenFixtures store/src/test/resources}.
 */
public final class GoldenFixtures {

    /** The envelope stored in {@code golden/envelope-v1.bin}. */
    static final Envelope ENVELOPE_V1 =
            new Envelope(
                    3,
                    Envelope.RUN_RESULT,
                    Instant.parse("2026-01-02T03:04:05.123456789Z"),
                    "{\"accuracy\":0.5,\"label\":\"é\"}".getBytes(StandardCharsets.UTF_8),
                    Envelope.JSON);

    static final String ENVELOPE_V1_RESOURCE = "/golden/envelope-v1.bin";

    private GoldenFixtures() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources");
        Path file = root.resolve(ENVELOPE_V1_RESOURCE.substring(1));
        Files.createDirectories(file.getParent());
        Files.write(file, ENVELOPE_V1.encode());
        System.out.println("wrote " + file);
    }
}

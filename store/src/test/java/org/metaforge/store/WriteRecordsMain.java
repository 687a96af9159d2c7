package org.metaforge.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Child process for kill tests: a "run" that writes trial results 0, 1, 2, ... to the store in
 * {@code args[0]} forever. After each result it checkpoints its position and prints {@code
 * committed N}; started again, it resumes after its checkpoint and first prints {@code start N} (or
 * {@code recovered ...} if the store had to be rebuilt from its journal).
 */
public final class WriteRecordsMain {

    static final String RUN_COMPONENT = "test/long-run";
    static final int PAYLOAD_BYTES = 64 * 1024;

    private WriteRecordsMain() {}

    public static void main(String[] args) throws Exception {
        try (ResultStore store = ResultStore.open(Path.of(args[0]), Duration.ofSeconds(10))) {
            int first =
                    store.getCheckpoint(runKey(), "step")
                            .map(
                                    bytes ->
                                            Integer.parseInt(
                                                            new String(
                                                                    bytes,
                                                                    StandardCharsets.US_ASCII))
                                                    + 1)
                            .orElse(0);
            store.recoveryNotice().ifPresent(notice -> System.out.println("recovered " + notice));
            System.out.println("start " + first);
            for (int i = first; ; i++) {
                store.putResult(
                        resultKey(i),
                        Envelope.raw(Envelope.TRIAL_RESULT, 1, payload(i)),
                        Map.of("index", Integer.toString(i)));
                store.putCheckpoint(
                        runKey(), "step", Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
                System.out.println("committed " + i);
                System.out.flush();
            }
        }
    }

    static CacheKey resultKey(int i) {
        return CacheKey.builder().component("test/trial", "1.0").seed(i).build();
    }

    static CacheKey runKey() {
        return CacheKey.builder().component(RUN_COMPONENT, "1.0").seed(0).build();
    }

    /** A payload that differs per record, so a mixed-up or torn record is noticed. */
    static byte[] payload(int i) {
        byte[] bytes = new byte[PAYLOAD_BYTES];
        Arrays.fill(bytes, (byte) (i * 31 + 7));
        ByteBuffer.wrap(bytes).putInt(i);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, ~i);
        return bytes;
    }
}

package org.metaforge.store;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Child process for the concurrency test: {@code metaforge run} invocations in miniature. Each of
 * {@code args[2]} rounds opens the store {@code args[0]} (waiting for other writers), writes {@code
 * args[3]} trials the way the runner does (a checkpoint, an artefact, then the result, which drops
 * the checkpoint), reads each result back, and closes. Prints {@code committed W R T} after each
 * trial's result and {@code recovered ...} if an open ever had to rebuild the store.
 */
public final class ShortRunsMain {

    static final int RESULT_BYTES = 2 * 1024;
    static final int ARTIFACT_BYTES = 8 * 1024;

    private ShortRunsMain() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int worker = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int trials = Integer.parseInt(args[3]);
        for (int round = 0; round < rounds; round++) {
            try (ResultStore store = ResultStore.open(file, Duration.ofSeconds(60))) {
                store.recoveryNotice().ifPresent(n -> System.out.println("recovered " + n));
                for (int trial = 0; trial < trials; trial++) {
                    CacheKey key = key(worker, round, trial);
                    store.putCheckpoint(key, "step", new byte[] {(byte) trial});
                    store.putArtifact(key, "weights", bytes(key, ARTIFACT_BYTES));
                    store.putResult(
                            key,
                            Envelope.raw(Envelope.TRIAL_RESULT, 1, bytes(key, RESULT_BYTES)),
                            Map.of("worker", Integer.toString(worker)));
                    byte[] back = store.getResult(key).orElseThrow().payload();
                    if (!Arrays.equals(back, bytes(key, RESULT_BYTES))) {
                        throw new AssertionError("result " + key.hex() + " read back differs");
                    }
                    System.out.println("committed " + worker + " " + round + " " + trial);
                }
            }
            System.out.flush();
        }
    }

    static CacheKey key(int worker, int round, int trial) {
        return CacheKey.builder()
                .component("test/short-run", "1.0")
                .config(Map.of("worker", worker, "round", round))
                .seed(trial)
                .build();
    }

    /** Bytes that differ per key, so a record written under the wrong key is noticed. */
    static byte[] bytes(CacheKey key, int length) {
        byte[] out = new byte[length];
        byte[] hex = key.hex().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            out[i] = hex[i % hex.length];
        }
        ByteBuffer.wrap(out).putInt(length - 4, key.hex().hashCode());
        return out;
    }
}

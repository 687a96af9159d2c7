package org.metaforge.framework.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials.TrialOutcome;
import org.metaforge.sdk.run.Trials.TrialRequest;
import org.metaforge.sdk.testkit.SyntheticImages;
import org.metaforge.store.CacheKey;

/** A batch through an executor: stored trials stay home, outcomes arrive in request order. */
class ParallelBatchTest {

    private static final Task TASK =
            new Task(
                    SyntheticImages.bands("t", 6, 2, 4, 4, 1),
                    SyntheticImages.bands("e", 4, 2, 4, 4, 2),
                    "validation");

    private static CacheKey key(int i) {
        return CacheKey.builder().component("x/y", "1").seed(i).build();
    }

    private static RunRecord record(CacheKey key, double acc) {
        return new RunRecord(
                "x/y",
                key.hex(),
                RunResult.builder().metric("validation_accuracy", acc).build(),
                Map.of(),
                false);
    }

    /** Runs jobs in reverse order; job whose seed is 3 fails. */
    private static final class ReverseExecutor implements TrialExecutor {
        final List<String> ran = new ArrayList<>();

        @Override
        public void run(List<TrialJob> jobs, TrialStore store, Consumer<Completion> done) {
            for (int j = jobs.size() - 1; j >= 0; j--) {
                TrialSpec s = jobs.get(j).spec();
                ran.add(jobs.get(j).name());
                done.accept(
                        s.seed() == 3
                                ? new Completion(j, null, new RunFailedException("diverged"))
                                : new Completion(
                                        j, record(key((int) s.seed()), s.seed() / 10.0), null));
            }
        }
    }

    private static TrialSpec spec(int seed, String name) {
        return new TrialSpec(
                1, name, "x/y", "1", Map.of(), seed, "cpu", 1, false, key(seed).hex(), null);
    }

    @Test
    void storedTrialsNeverReachTheExecutorAndOutcomesArriveInRequestOrder() {
        // requests with seeds 1, 2 (stored), 3 (fails), 1 again, 4
        int[] seeds = {1, 2, 3, 1, 4};
        List<TrialRequest> requests = new ArrayList<>();
        List<ParallelBatch.Resolved> resolved = new ArrayList<>();
        for (int s : seeds) {
            requests.add(new TrialRequest("x/y", Map.of(), TASK, s));
            resolved.add(
                    new ParallelBatch.Resolved(
                            key(s), s == 2 ? Optional.of(record(key(2), 0.9)) : Optional.empty()));
        }
        ReverseExecutor executor = new ReverseExecutor();
        List<TrialOutcome> seen = new ArrayList<>();
        List<TrialOutcome> out =
                new ParallelBatch(
                                requests,
                                resolved,
                                (i, name) -> spec(seeds[i], name),
                                executor,
                                null,
                                () -> false)
                        .run(seen::add);
        assertEquals(out, seen);
        assertEquals(5, out.size());
        assertEquals(
                List.of(
                        "x/y trial 5 (key " + key(4).hex().substring(0, 12) + ")",
                        "x/y trial 3 (key " + key(3).hex().substring(0, 12) + ")",
                        "x/y trial 1 (key " + key(1).hex().substring(0, 12) + ")"),
                executor.ran,
                "each key runs once; the stored one not at all");
        for (int i = 0; i < seeds.length; i++) {
            assertEquals(requests.get(i), out.get(i).request());
        }
        assertEquals(0.1, out.get(0).result().result().metric("validation_accuracy"));
        assertFalse(out.get(0).result().cached());
        assertTrue(out.get(1).result().cached());
        assertEquals(0.9, out.get(1).result().result().metric("validation_accuracy"));
        assertTrue(out.get(2).isFailed());
        assertEquals("diverged", out.get(2).failure().getMessage());
        assertTrue(out.get(3).result().cached(), "a repeated key is answered as from the store");
        assertEquals(key(4).hex(), out.get(4).result().key());
    }

    @Test
    void aCancelledRunStopsWaiting() {
        AtomicBoolean cancelled = new AtomicBoolean();
        TrialExecutor hanging =
                (jobs, store, done) -> {
                    cancelled.set(true);
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        throw new CancellationException("stopped");
                    }
                };
        ParallelBatch batch =
                new ParallelBatch(
                        List.of(new TrialRequest("x/y", Map.of(), TASK, 1)),
                        List.of(new ParallelBatch.Resolved(key(1), Optional.empty())),
                        (i, name) -> spec(1, name),
                        hanging,
                        null,
                        cancelled::get);
        long t0 = System.nanoTime();
        assertThrows(CancellationException.class, () -> batch.run(o -> {}));
        assertTrue((System.nanoTime() - t0) / 1e9 < 30, "the executor was interrupted");
    }
}

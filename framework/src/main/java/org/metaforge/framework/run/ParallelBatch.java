package org.metaforge.framework.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.metaforge.sdk.run.Trials.TrialOutcome;
import org.metaforge.sdk.run.Trials.TrialRequest;
import org.metaforge.sdk.run.Trials.TrialResult;
import org.metaforge.store.CacheKey;

/**
 * One {@code Trials.runAll} batch through a {@link TrialExecutor}: stored trials are answered here
 * and never reach the executor; the rest run there, each key once; outcomes reach the caller on its
 * own thread, in request order, as soon as a prefix of the batch is complete.
 */
final class ParallelBatch {

    /** A request's key and, unless recomputing, its stored record. */
    record Resolved(CacheKey key, Optional<RunRecord> stored) {}

    /** Makes the spec of request {@code index}, named {@code name}. */
    @FunctionalInterface
    interface SpecMaker {
        TrialSpec spec(int index, String name);
    }

    private static final Object END = new Object();

    private final List<TrialRequest> requests;
    private final List<Resolved> resolved;
    private final SpecMaker specs;
    private final TrialExecutor executor;
    private final TrialStore store;
    private final BooleanSupplier cancelled;
    private final TrialOutcome[] outcomes;
    private int delivered;

    ParallelBatch(
            List<TrialRequest> requests,
            List<Resolved> resolved,
            SpecMaker specs,
            TrialExecutor executor,
            TrialStore store,
            BooleanSupplier cancelled) {
        this.requests = requests;
        this.resolved = resolved;
        this.specs = specs;
        this.executor = executor;
        this.store = store;
        this.cancelled = cancelled;
        this.outcomes = new TrialOutcome[requests.size()];
    }

    List<TrialOutcome> run(Consumer<TrialOutcome> inOrder) {
        List<TrialJob> jobs = new ArrayList<>();
        // the requests each job answers: the first runs it, later ones with the same key would
        // have found its result in the store, as a loop over Trials.run would
        List<List<Integer>> served = new ArrayList<>();
        Map<CacheKey, Integer> jobOfKey = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            Resolved r = resolved.get(i);
            Integer job = jobOfKey.get(r.key());
            if (r.stored().isPresent()) {
                RunRecord stored = r.stored().get();
                outcomes[i] =
                        TrialOutcome.of(
                                requests.get(i),
                                new TrialResult(stored.result(), true, r.key().hex()));
            } else if (job != null) {
                served.get(job).add(i);
            } else {
                String name =
                        requests.get(i).componentId()
                                + " trial "
                                + (i + 1)
                                + " (key "
                                + r.key().hex().substring(0, 12)
                                + ")";
                jobOfKey.put(r.key(), jobs.size());
                jobs.add(new TrialJob(name, specs.spec(i, name), requests.get(i).task()));
                served.add(new ArrayList<>(List.of(i)));
            }
        }
        deliver(inOrder);
        if (!jobs.isEmpty()) {
            runJobs(jobs, served, inOrder);
        }
        if (delivered < outcomes.length) {
            throw new IllegalStateException(
                    "The trial executor returned before finishing every trial ("
                            + delivered
                            + " of "
                            + outcomes.length
                            + ").");
        }
        return List.of(outcomes);
    }

    private void runJobs(
            List<TrialJob> jobs, List<List<Integer>> served, Consumer<TrialOutcome> inOrder) {
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Thread worker =
                new Thread(
                        () -> {
                            try {
                                executor.run(jobs, store, queue::add);
                                queue.add(END);
                            } catch (Throwable e) {
                                queue.add(e);
                            }
                        },
                        "metaforge-trials");
        worker.setDaemon(true);
        worker.start();
        try {
            while (true) {
                Object item = queue.poll(200, TimeUnit.MILLISECONDS);
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException(
                            "The run was cancelled; finished trials are in the store.");
                }
                if (item == null) {
                    continue;
                }
                if (item == END) {
                    return;
                }
                if (item instanceof RuntimeException e) {
                    throw e;
                }
                if (item instanceof Error e) {
                    throw e;
                }
                if (item instanceof Throwable t) {
                    throw new IllegalStateException(t);
                }
                TrialExecutor.Completion c = (TrialExecutor.Completion) item;
                List<Integer> answered = served.get(c.index());
                for (int k = 0; k < answered.size(); k++) {
                    int i = answered.get(k);
                    outcomes[i] =
                            c.failure() != null
                                    ? TrialOutcome.failed(requests.get(i), c.failure())
                                    : TrialOutcome.of(
                                            requests.get(i),
                                            new TrialResult(
                                                    c.record().result(),
                                                    k > 0 || c.record().cached(),
                                                    c.record().key()));
                }
                deliver(inOrder);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Interrupted while waiting for trials.");
        } finally {
            if (worker.isAlive()) {
                // stops the executor's workers; what finished is in the store already
                worker.interrupt();
                try {
                    worker.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Hands the caller every outcome of the complete prefix not handed over yet. */
    private void deliver(Consumer<TrialOutcome> inOrder) {
        while (delivered < outcomes.length && outcomes[delivered] != null) {
            inOrder.accept(outcomes[delivered]);
            delivered++;
        }
    }
}

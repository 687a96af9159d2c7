package org.metaforge.spark;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.metaforge.framework.trial.Worker;

/**
 * The idle trial workers of this executor JVM, kept from one task to the next (the next trial of
 * the batch, the next successive-halving rung), as {@code --workers} keeps its own: a worker's JVM,
 * plugins and engine start once, and it runs its trials one after another. Workers are told apart
 * by their command and environment (a GPU trial's worker sees only its GPU). Idle workers exit when
 * this JVM does (their input ends); a worker that crashed or was stopped is not given back.
 */
final class WorkerPool {

    private static final Map<List<Object>, Queue<Worker>> IDLE = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(WorkerPool::closeIdle, "metaforge-idle"));
    }

    private WorkerPool() {}

    /** An idle worker started with {@code command} and {@code env}, or a new one. */
    static Worker take(List<String> command, Map<String, String> env) throws IOException {
        Worker w =
                IDLE.computeIfAbsent(key(command, env), k -> new ConcurrentLinkedQueue<>()).poll();
        while (w != null && !w.process().isAlive()) {
            w = IDLE.get(key(command, env)).poll();
        }
        return w != null ? w : Worker.start(command, env, System.err::println);
    }

    /** Keeps a worker that answered its trial for the next task. */
    static void give(List<String> command, Map<String, String> env, Worker w) {
        IDLE.computeIfAbsent(key(command, env), k -> new ConcurrentLinkedQueue<>()).add(w);
    }

    /** Lets every idle worker exit (e.g. when a local master's driver, this JVM, is done). */
    static void closeIdle() {
        for (Queue<Worker> q : IDLE.values()) {
            for (Worker w = q.poll(); w != null; w = q.poll()) {
                w.close();
            }
        }
    }

    private static List<Object> key(List<String> command, Map<String, String> env) {
        return List.of(command, env);
    }
}

package org.metaforge.plugins.baselines;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.metaforge.sdk.Learner;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.config.ConfigSchema;
import org.metaforge.sdk.run.Artifacts;
import org.metaforge.sdk.run.Checkpoints;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;
import org.metaforge.sdk.run.Trials;
import org.metaforge.sdk.testkit.FirstOrderAutodiff;

/**
 * Trials the way the host runs them, in memory: a real learner per trial, results cached by a key
 * over component, validated config, seed and data; artefacts and checkpoints kept per key across
 * instances that share one {@link Store}; optional cancellation after a number of checks.
 */
final class InMemoryTrials implements Trials {

    /** What survives between searches: results, artefacts and checkpoints by trial key. */
    static final class Store {
        final Map<String, RunResult> results = new HashMap<>();
        final Map<String, byte[]> artifacts = new HashMap<>();
        final Map<String, Map<String, byte[]>> checkpoints = new HashMap<>();
        int computed;
    }

    private final Store store;
    private final Map<String, Learner<?>> learners;
    private int checksLeft;

    /**
     * @param cancelAfter cancel at the check after this many cancellation checks; negative: never
     */
    InMemoryTrials(Store store, Map<String, Learner<?>> learners, int cancelAfter) {
        this.store = store;
        this.learners = learners;
        this.checksLeft = cancelAfter;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TrialResult run(String componentId, Map<String, Object> config, Task task, long seed) {
        Learner learner = learners.get(componentId);
        ConfigSchema schema = ConfigSchema.of(learner.configType());
        Record rec = schema.bind(config, "trial config of " + componentId);
        String key =
                sha256(
                        componentId
                                + new java.util.TreeMap<>(schema.toValues(rec))
                                + seed
                                + task.train().fingerprint()
                                + task.evalName()
                                + task.eval().fingerprint());
        RunResult hit = store.results.get(key);
        if (hit != null) {
            return new TrialResult(hit, true, key);
        }
        RunResult r;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            r = learner.fit(new TrialContext(m, seed, key), rec, task);
        }
        store.results.put(key, r);
        store.checkpoints.remove(key);
        store.computed++;
        return new TrialResult(r, false, key);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class TrialContext implements RunContext {
        private final NDManager manager;
        private final long seed;
        private final String key;
        private final Autodiff autodiff = new FirstOrderAutodiff();

        TrialContext(NDManager manager, long seed, String key) {
            this.manager = manager;
            this.seed = seed;
            this.key = key;
        }

        @Override
        public NDManager manager() {
            return manager;
        }

        @Override
        public Device device() {
            return manager.getDevice();
        }

        @Override
        public long seed() {
            return seed;
        }

        @Override
        public Autodiff autodiff() {
            return autodiff;
        }

        @Override
        public Progress progress(String label, long total, String unit) {
            return Progress.none();
        }

        @Override
        public void info(String message) {}

        @Override
        public Checkpoints checkpoints() {
            Map<String, byte[]> mine = store.checkpoints.computeIfAbsent(key, k -> new HashMap<>());
            return new Checkpoints() {
                @Override
                public void save(String name, byte[] bytes) {
                    mine.put(name, bytes.clone());
                }

                @Override
                public Optional<byte[]> load(String name) {
                    return Optional.ofNullable(mine.get(name)).map(byte[]::clone);
                }
            };
        }

        @Override
        public Trials trials() {
            return InMemoryTrials.this;
        }

        @Override
        public Artifacts artifacts() {
            return new Artifacts() {
                @Override
                public void save(String name, byte[] bytes) {
                    store.artifacts.put(key + "/" + name, bytes.clone());
                }

                @Override
                public Optional<byte[]> load(String runKey, String name) {
                    return Optional.ofNullable(store.artifacts.get(runKey + "/" + name))
                            .map(byte[]::clone);
                }
            };
        }

        @Override
        public void checkCancelled() {
            if (checksLeft >= 0 && checksLeft-- == 0) {
                throw new CancellationException("stopped by the test");
            }
        }
    }
}

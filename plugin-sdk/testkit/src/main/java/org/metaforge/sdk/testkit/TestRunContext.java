package org.metaforge.sdk.testkit;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.run.Artifacts;
import org.metaforge.sdk.run.Checkpoints;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.Trials;
import org.metaforge.sdk.solver.BoundSolver;

/**
 * A {@link RunContext} for plugin tests: checkpoints in memory, info lines collected, trials
 * answered by a function the test gives.
 */
public final class TestRunContext implements RunContext {

    private final NDManager manager;
    private final long seed;
    private final Autodiff autodiff;
    private final Trials trials;
    private final Map<String, byte[]> checkpoints;
    private final List<String> infos = new ArrayList<>();
    private final Map<String, byte[]> artifacts = new HashMap<>();
    private final Map<String, BoundSolver> solvers = new HashMap<>();

    /** The key under which {@link #artifacts()} saves this context's own artefacts. */
    public static final String RUN_KEY = "test-run";

    /**
     * Creates a context.
     *
     * @param manager the run's manager (the test owns and closes it)
     * @param seed the master seed
     * @param autodiff e.g. {@link FirstOrderAutodiff}
     * @param trials answers {@link #trials()}; null makes trials fail
     * @param checkpoints a shared map to test resumption (pass the same map to a second context)
     */
    public TestRunContext(
            NDManager manager,
            long seed,
            Autodiff autodiff,
            Trials trials,
            Map<String, byte[]> checkpoints) {
        this.manager = manager;
        this.seed = seed;
        this.autodiff = autodiff;
        this.trials = trials;
        this.checkpoints = checkpoints;
    }

    /** A context with first-order autodiff, no trials and fresh in-memory checkpoints. */
    public static TestRunContext simple(NDManager manager, long seed) {
        return new TestRunContext(manager, seed, new FirstOrderAutodiff(), null, new HashMap<>());
    }

    /**
     * Makes {@link #solver} answer {@code componentId} with {@code solver}, whatever configuration
     * is asked for (the test binds the configuration itself).
     *
     * @return this context
     */
    public TestRunContext withSolver(String componentId, BoundSolver solver) {
        solvers.put(componentId, solver);
        return this;
    }

    /** The information lines the component printed. */
    public List<String> infos() {
        return List.copyOf(infos);
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
    public void info(String message) {
        infos.add(message);
    }

    @Override
    public Checkpoints checkpoints() {
        return new Checkpoints() {
            @Override
            public void save(String name, byte[] bytes) {
                checkpoints.put(name, bytes.clone());
            }

            @Override
            public Optional<byte[]> load(String name) {
                return Optional.ofNullable(checkpoints.get(name)).map(byte[]::clone);
            }
        };
    }

    @Override
    public Trials trials() {
        if (trials == null) {
            throw new UnsupportedOperationException("this test context runs no trials");
        }
        return trials;
    }

    @Override
    public Artifacts artifacts() {
        return new Artifacts() {
            @Override
            public void save(String name, byte[] bytes) {
                artifacts.put(RUN_KEY + "/" + name, bytes.clone());
            }

            @Override
            public Optional<byte[]> load(String runKey, String name) {
                return Optional.ofNullable(artifacts.get(runKey + "/" + name)).map(byte[]::clone);
            }
        };
    }

    @Override
    public BoundSolver solver(String componentId, Map<String, Object> config) {
        BoundSolver s = solvers.get(componentId);
        if (s == null) {
            throw new UnsupportedOperationException(
                    "this test context has no solver '"
                            + componentId
                            + "'; register one with withSolver");
        }
        return s;
    }

    @Override
    public void checkCancelled() {}
}

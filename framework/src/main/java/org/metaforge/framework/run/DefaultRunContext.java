package org.metaforge.framework.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.run.Artifacts;
import org.metaforge.sdk.run.Checkpoints;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.Trials;
import org.metaforge.sdk.solver.BoundSolver;

/** The host's {@link RunContext}: plain wiring of the services one run may use. */
final class DefaultRunContext implements RunContext {

    private final NDManager manager;
    private final long seed;
    private final Autodiff autodiff;
    private final RunConsole console;
    private final Checkpoints checkpoints;
    private final Trials trials;
    private final BooleanSupplier cancelled;
    private final Artifacts artifacts;
    private final SolverBinder solvers;

    /** Binds a solver component to a configuration and a run. */
    @FunctionalInterface
    interface SolverBinder {
        BoundSolver bind(RunContext context, String componentId, Map<String, Object> config);
    }

    DefaultRunContext(
            NDManager manager,
            long seed,
            Autodiff autodiff,
            RunConsole console,
            Checkpoints checkpoints,
            Trials trials,
            BooleanSupplier cancelled,
            Artifacts artifacts,
            SolverBinder solvers) {
        this.manager = manager;
        this.seed = seed;
        this.autodiff = autodiff;
        this.console = console;
        this.checkpoints = checkpoints;
        this.trials = trials;
        this.cancelled = cancelled;
        this.artifacts = artifacts;
        this.solvers = solvers;
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
        return console.progress(label, total, unit);
    }

    @Override
    public void info(String message) {
        console.info(message);
    }

    @Override
    public Checkpoints checkpoints() {
        return checkpoints;
    }

    @Override
    public Trials trials() {
        return trials;
    }

    @Override
    public Artifacts artifacts() {
        return artifacts;
    }

    @Override
    public BoundSolver solver(String componentId, Map<String, Object> config) {
        return solvers.bind(this, componentId, config);
    }

    @Override
    public void checkCancelled() {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("The run was cancelled; its checkpoints are kept.");
        }
    }
}

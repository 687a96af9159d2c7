package org.metaforge.sdk.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.solver.BoundSolver;

/**
 * Everything a component may use from the outside world during one run.
 *
 * <p>Owned by the host: components must not close it or its manager. Not thread-safe; a run uses
 * its context from one thread.
 */
public interface RunContext {

    /** The run's manager, on {@link #device()}; closed by the host when the run ends. */
    NDManager manager();

    /** The device every tensor of the run lives on. */
    Device device();

    /** The run's master seed; derive every random stream from it with {@link #seeds()}. */
    long seed();

    /** Derives independent, reproducible random streams from {@link #seed()}. */
    default Seeds seeds() {
        return new Seeds(seed());
    }

    /** Gradients with a graph, vector-Jacobian and Hessian-vector products. */
    Autodiff autodiff();

    /** Starts a progress report over {@code total} units of work ({@code unit}: "step"...). */
    Progress progress(String label, long total, String unit);

    /** Prints one line of information for the user (kept in the run's log). */
    void info(String message);

    /** Saves and restores the run's checkpoints, scoped to this run's cache key. */
    Checkpoints checkpoints();

    /** Runs other components as individually cached trials. */
    Trials trials();

    /**
     * Binary artefacts of this run and of other runs by key (e.g. a trained teacher's weights).
     *
     * @throws UnsupportedOperationException if this context keeps no artefacts
     */
    default Artifacts artifacts() {
        throw new UnsupportedOperationException("This run context keeps no artefacts.");
    }

    /**
     * The {@link org.metaforge.sdk.Solver} component {@code componentId} (e.g. {@code
     * solvers/anderson}) bound to {@code config} (kebab-case keys, validated here) and to this run.
     *
     * @throws org.metaforge.sdk.config.ConfigException if the component is unknown, is not a
     *     solver, or the configuration is invalid
     */
    default BoundSolver solver(String componentId, Map<String, Object> config) {
        throw new UnsupportedOperationException(
                "This run context offers no solver components (asked for " + componentId + ").");
    }

    /** Throws {@link java.util.concurrent.CancellationException} when the user asked to stop. */
    void checkCancelled();
}

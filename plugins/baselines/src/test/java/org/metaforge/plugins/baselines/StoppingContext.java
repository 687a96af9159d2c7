package org.metaforge.plugins.baselines;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.concurrent.CancellationException;
import org.metaforge.sdk.autodiff.Autodiff;
import org.metaforge.sdk.run.Artifacts;
import org.metaforge.sdk.run.Checkpoints;
import org.metaforge.sdk.run.Progress;
import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.Trials;

/** Delegates to a context and cancels the run at the {@code n+1}-th cancellation check. */
final class StoppingContext implements RunContext {
    private final RunContext d;
    private int left;

    StoppingContext(RunContext d, int n) {
        this.d = d;
        this.left = n;
    }

    @Override
    public NDManager manager() {
        return d.manager();
    }

    @Override
    public Device device() {
        return d.device();
    }

    @Override
    public long seed() {
        return d.seed();
    }

    @Override
    public Autodiff autodiff() {
        return d.autodiff();
    }

    @Override
    public Progress progress(String label, long total, String unit) {
        return d.progress(label, total, unit);
    }

    @Override
    public void info(String message) {
        d.info(message);
    }

    @Override
    public Checkpoints checkpoints() {
        return d.checkpoints();
    }

    @Override
    public Trials trials() {
        return d.trials();
    }

    @Override
    public void checkCancelled() {
        if (left-- <= 0) {
            throw new CancellationException("stopped by the test");
        }
    }

    @Override
    public Artifacts artifacts() {
        return d.artifacts();
    }
}

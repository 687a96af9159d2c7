package org.metaforge.framework.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Settings of one runtime, fixed when it is built.
 *
 * @param storePath the store file
 * @param lockWait how long to wait for a store another process holds
 * @param cancelled polled by runs; true asks them to stop
 * @param executor where batches of trials ({@code Trials.runAll}) run, or null to run them one
 *     after another in this process
 */
public record RuntimeSettings(
        Path storePath, Duration lockWait, BooleanSupplier cancelled, TrialExecutor executor) {

    /** Metaforge's own version, from the framework jar's manifest (or "dev"). */
    public static String metaforgeVersion() {
        String v = RuntimeSettings.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}

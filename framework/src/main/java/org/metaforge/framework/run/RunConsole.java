package org.metaforge.framework.run;

import org.metaforge.sdk.run.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a run's information lines and progress go: a terminal, a log, or nowhere. */
public interface RunConsole {

    /** Shows one line of information. */
    void info(String message);

    /** Starts a progress report. */
    Progress progress(String label, long total, String unit);

    /** A console that sends information to the log and shows no progress (for embedded use). */
    static RunConsole logging() {
        Logger log = LoggerFactory.getLogger("org.metaforge.run");
        return new RunConsole() {
            @Override
            public void info(String message) {
                log.info(message);
            }

            @Override
            public Progress progress(String label, long total, String unit) {
                return Progress.none();
            }
        };
    }
}

package org.metaforge.experiments.console;

/** Where a {@link ConsoleProgress} shows its state; called under the progress's lock. */
interface ProgressDisplay {

    /** The work advanced to {@code done} units or its status changed. */
    void update(long done, String status);

    /** The work ended (finished or abandoned) at {@code done} units; called once. */
    void finish(long done, String status);
}

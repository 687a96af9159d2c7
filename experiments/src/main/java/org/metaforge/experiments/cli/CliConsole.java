package org.metaforge.experiments.cli;

import java.io.PrintStream;
import org.metaforge.experiments.console.ConsoleProgressFactory;
import org.metaforge.framework.run.RunConsole;
import org.metaforge.sdk.run.Progress;

/** Information lines and progress on the terminal (stderr), so stdout keeps the figures. */
final class CliConsole implements RunConsole {

    private final PrintStream err;
    private final ConsoleProgressFactory progress;

    CliConsole(PrintStream err) {
        this.err = err;
        this.progress = new ConsoleProgressFactory();
    }

    @Override
    public void info(String message) {
        err.println(message);
    }

    @Override
    public Progress progress(String label, long total, String unit) {
        return progress.start(label, total, unit);
    }
}

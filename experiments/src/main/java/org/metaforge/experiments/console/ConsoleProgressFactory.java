package org.metaforge.experiments.console;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import org.metaforge.sdk.run.Progress;

/**
 * Starts {@link ConsoleProgress} reports: a progress bar with rate and ETA on standard error when
 * it is an interactive terminal, plain lines otherwise.
 *
 * <p>Plain lines look like {@code train: 1200/6000 step (20%), 35.2 step/s, ETA 2m16s, loss 0.412};
 * one is printed at the start, at most one per interval after that (5 s by default), one when the
 * total is reached, and a last one on close if the count moved since the previous line. A status
 * change alone never prints. The rate is the average since the start.
 *
 * <p>The bar (me.tongfei progressbar, which sizes itself through JLine) is only ever created on an
 * interactive terminal, so logs and pipes never receive escape sequences.
 */
public final class ConsoleProgressFactory {

    /** How often plain lines are printed at most, unless told otherwise. */
    public static final Duration DEFAULT_LINE_INTERVAL = Duration.ofSeconds(5);

    private final boolean bar;
    private final PrintStream out;
    private final long minIntervalNanos;
    private final LongSupplier nanoClock;

    /**
     * A factory for this process's console: a bar on standard error when {@link
     * #isInteractiveTerminal()}, otherwise plain lines on standard error every 5 s at most.
     */
    public ConsoleProgressFactory() {
        this(isInteractiveTerminal(), System.err, DEFAULT_LINE_INTERVAL, System::nanoTime);
    }

    private ConsoleProgressFactory(
            boolean bar, PrintStream out, Duration minInterval, LongSupplier nanoClock) {
        Objects.requireNonNull(minInterval, "minInterval");
        if (minInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "The interval between progress lines must be >= 0, not " + minInterval + ".");
        }
        this.bar = bar;
        this.out = Objects.requireNonNull(out, "out");
        this.minIntervalNanos = minInterval.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * A factory that always prints plain lines.
     *
     * @param out where the lines go
     * @param minInterval the least time between two lines (the start, total-reached and closing
     *     lines are printed regardless)
     * @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime}
     */
    public static ConsoleProgressFactory plainLines(
            PrintStream out, Duration minInterval, LongSupplier nanoClock) {
        return new ConsoleProgressFactory(false, out, minInterval, nanoClock);
    }

    /**
     * Starts a report over {@code total} units of work.
     *
     * @param label what is being done, e.g. {@code "outer steps"}
     * @param total how many units make the whole work; {@code <= 0} if unknown
     * @param unit the unit's name, e.g. {@code "step"}
     */
    public Progress start(String label, long total, String unit) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(unit, "unit");
        ProgressDisplay display =
                bar
                        ? new BarDisplay(
                                label,
                                total,
                                unit,
                                barStyle(),
                                new InteractiveConsoleProgressBarConsumer(out))
                        : new LineDisplay(label, total, unit, out, minIntervalNanos, nanoClock);
        return new ConsoleProgress(display);
    }

    /** Whether this factory draws bars rather than printing lines. */
    public boolean drawsBars() {
        return bar;
    }

    /**
     * Whether this process talks to a person at a terminal: it has a console and {@code TERM} is
     * not {@code dumb} (as under Emacs or some CI runners).
     */
    public static boolean isInteractiveTerminal() {
        return isInteractive(hasTerminalConsole(), System.getenv("TERM"));
    }

    static boolean isInteractive(boolean hasConsole, String term) {
        return hasConsole && !"dumb".equalsIgnoreCase(term);
    }

    private static boolean hasTerminalConsole() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // From Java 22 System.console() may be non-null when redirected; isTerminal() then tells.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private static ProgressBarStyle barStyle() {
        // Block characters turn into '?' on a terminal that is not UTF-8.
        return Charset.defaultCharset().equals(StandardCharsets.UTF_8)
                ? ProgressBarStyle.UNICODE_BLOCK
                : ProgressBarStyle.ASCII;
    }
}

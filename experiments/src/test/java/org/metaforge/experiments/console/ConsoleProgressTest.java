package org.metaforge.experiments.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.run.Progress;

class ConsoleProgressTest {

    private static final long SECOND = 1_000_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final ConsoleProgressFactory factory =
            ConsoleProgressFactory.plainLines(out, Duration.ofSeconds(5), clock::get);

    private List<String> lines() {
        String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\\R"));
    }

    private void advance(long seconds) {
        clock.addAndGet(seconds * SECOND);
    }

    @Test
    void printsAtStartEveryIntervalAtMostAndWhenDone() {
        try (Progress p = factory.start("train", 100, "step")) {
            for (int i = 0; i < 9; i++) { // 9 steps, one second apart: one line at 5 s
                advance(1);
                p.step(10);
            }
            p.status("loss 0.412");
            advance(1);
            p.step(10); // reaches the total: printed although only 5 s since the last line
        }

        assertEquals(
                List.of(
                        "train: 0/100 step (0%)",
                        "train: 50/100 step (50%), 10.0 step/s, ETA 5s",
                        "train: 100/100 step (100%), 10.0 step/s, took 10s, loss 0.412"),
                lines());
    }

    @Test
    void statusAloneDoesNotForceALine() {
        Progress p = factory.start("train", 100, "step");
        advance(1);
        p.status("loss 1.0");
        p.status("loss 0.9");

        assertEquals(1, lines().size());
    }

    @Test
    void closingEarlyPrintsWhereItStopped() {
        Progress p = factory.start("hpo", 50, "trial");
        advance(2);
        p.step(3);
        advance(1);
        p.close();
        p.close();

        assertEquals(
                List.of(
                        "hpo: 0/50 trial (0%)",
                        "hpo: 3/50 trial (6%), 1.0 trial/s, stopped after 3s"),
                lines());
    }

    @Test
    void theDoneLineShowsTheStatusSetAfterTheLastStepOnce() {
        try (Progress p = factory.start("trials", 4, "trial")) {
            advance(1);
            p.step(3);
            p.status("best 0.6630");
            advance(1);
            p.step(1);
            p.status("best 0.7530");
            advance(7); // the rest of the component's work, before it closes the progress
            p.status("best 0.7530");
        }

        assertEquals(
                List.of(
                        "trials: 0/4 trial (0%)",
                        "trials: 4/4 trial (100%), 2.0 trial/s, took 2s, best 0.7530"),
                lines());
    }

    @Test
    void aDoneLineWithNoLaterStatusIsPrintedOnClose() {
        Progress p = factory.start("train", 10, "step");
        advance(1);
        p.step(10);
        assertEquals(1, lines().size(), "the line for the total waits for its status");
        advance(3);
        p.close();

        assertEquals(
                List.of("train: 0/10 step (0%)", "train: 10/10 step (100%), 10.0 step/s, took 1s"),
                lines());
    }

    @Test
    void closingWithoutChangePrintsNothingMore() {
        Progress p = factory.start("train", 10, "step");
        advance(6);
        p.step(4);
        p.close();

        assertEquals(2, lines().size());
    }

    @Test
    void stepsAfterCloseAreIgnored() {
        ConsoleProgress p = (ConsoleProgress) factory.start("train", 10, "step");
        p.step(2);
        p.close();
        advance(60);
        p.step(5);
        p.status("late");

        assertEquals(2, p.done());
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("late"));
    }

    @Test
    void rejectsNegativeSteps() {
        Progress p = factory.start("train", 10, "step");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.step(-1));
        assertTrue(e.getMessage().contains("step(-1)"), e.getMessage());
    }

    @Test
    void rejectsANegativeInterval() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ConsoleProgressFactory.plainLines(
                                        out, Duration.ofSeconds(-1), clock::get));
        assertTrue(e.getMessage().contains("PT-1S"), e.getMessage());
    }

    @Test
    void plainFactoryNeverDrawsBars() {
        assertFalse(factory.drawsBars());
    }

    @Test
    void onlyARealTerminalThatIsNotDumbGetsABar() {
        assertTrue(ConsoleProgressFactory.isInteractive(true, "xterm-256color"));
        assertTrue(ConsoleProgressFactory.isInteractive(true, null));
        assertFalse(ConsoleProgressFactory.isInteractive(true, "dumb"));
        assertFalse(ConsoleProgressFactory.isInteractive(false, "xterm-256color"));
    }

    @Test
    void barShowsCountRateAndStatus() {
        // A consumer with a fixed width never asks JLine about the terminal.
        BarDisplay display =
                new BarDisplay(
                        "train",
                        6000,
                        "step",
                        ProgressBarStyle.ASCII,
                        new ConsoleProgressBarConsumer(out, 150));
        try (ConsoleProgress p = new ConsoleProgress(display)) {
            p.step(1200);
            p.status("loss 0.412");
        }

        String text = bytes.toString(StandardCharsets.UTF_8);
        String last = text.substring(text.lastIndexOf('\r') + 1).strip();
        assertTrue(last.startsWith("train"), last);
        assertTrue(last.contains("1200/6000 step"), last);
        assertTrue(last.contains(" step/s loss 0.412"), last);
    }
}

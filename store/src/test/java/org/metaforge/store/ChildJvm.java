package org.metaforge.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JVM running a test main class on the test classpath, with its output read line by line. */
final class ChildJvm implements AutoCloseable {

    private static final String END = "\u0000end";

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader in =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                for (String line; (line = in.readLine()) != null; ) {
                                    lines.add(line);
                                }
                            } catch (IOException e) {
                                // The child was killed: its output ends here.
                            }
                            lines.add(END);
                        },
                        "child-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code main} with {@code args}; its standard error goes to a file in {@code dir}. */
    static ChildJvm start(Path dir, Class<?> main, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile(dir, main.getSimpleName(), ".stderr");
        Process process =
                new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()))
                        .start();
        return new ChildJvm(process, stderr);
    }

    long pid() {
        return process.pid();
    }

    /** The next line of output, or null when the output ends or {@code timeout} passes. */
    String nextLine(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null || line.equals(END)) {
            lines.add(END);
            return null;
        }
        return line;
    }

    /** Reads lines until one equals {@code expected}; fails with the child's stderr otherwise. */
    void awaitLine(String expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = nextLine(Duration.ofNanos(deadline - System.nanoTime()));
            if (line == null) {
                break;
            }
            if (line.equals(expected)) {
                return;
            }
        }
        throw new AssertionError("Child never printed '" + expected + "'; stderr: " + stderr());
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Kills the child like {@code kill -9} and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("Child " + process.pid() + " survived kill -9");
        }
    }

    /** Waits for the child to exit and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Child did not exit in " + timeout + "; stderr: " + stderr());
        }
        return process.exitValue();
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Kills the child if it still runs, so no test leaves a process behind. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

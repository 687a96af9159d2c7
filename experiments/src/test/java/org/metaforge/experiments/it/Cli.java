package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code bin/metaforge} of the built distribution, as a user would. */
final class Cli {

    /** What one invocation did. */
    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Cli() {}

    /** The distribution directory built by {@code mvn package}. */
    static Path dist() {
        String d = System.getProperty("metaforge.dist");
        assertNotNull(d, "metaforge.dist is set by the failsafe configuration");
        return Path.of(d);
    }

    /** The repository root. */
    static Path repo() {
        return Path.of(System.getProperty("metaforge.repo", "..")).toAbsolutePath().normalize();
    }

    /** Starts {@code bin/metaforge args} in {@code workDir} (not waiting). */
    static Process start(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(dist().resolve("bin/metaforge").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        String cache = System.getenv("ENGINE_CACHE_DIR");
        if (cache != null) {
            pb.environment().put("ENGINE_CACHE_DIR", cache);
        }
        pb.environment().remove("METAFORGE_STORE");
        pb.environment().remove("METAFORGE_DATA");
        pb.environment().put("HOME", workDir.toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs {@code bin/metaforge args} in {@code workDir} and waits (10 minutes at most). */
    static Result run(Path workDir, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        Process p = start(workDir, env, args);
        p.getOutputStream().close();
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        Thread to = new Thread(() -> copy(p.getInputStream(), out));
        Thread te = new Thread(() -> copy(p.getErrorStream(), err));
        to.start();
        te.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("metaforge " + String.join(" ", args) + " did not finish");
        }
        to.join();
        te.join();
        return new Result(
                p.exitValue(),
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, Map.of(), args);
    }

    private static void copy(java.io.InputStream in, java.io.OutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // the process ended; what was read is kept
        }
    }

    /**
     * Starts {@code bin/metaforge args}, waits until its stderr has shown {@code count} lines
     * starting with {@code linePrefix}, then kills it with SIGKILL (no shutdown hooks run).
     */
    static void killAfter(Path workDir, String linePrefix, int count, String... args)
            throws Exception {
        Process p = start(workDir, Map.of(), args);
        p.getOutputStream().close();
        java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(count);
        Thread reader =
                new Thread(
                        () -> {
                            try (java.io.BufferedReader r =
                                    new java.io.BufferedReader(
                                            new java.io.InputStreamReader(
                                                    p.getErrorStream(), StandardCharsets.UTF_8))) {
                                for (String line = r.readLine();
                                        line != null;
                                        line = r.readLine()) {
                                    if (line.startsWith(linePrefix)) {
                                        seen.countDown();
                                    }
                                }
                            } catch (IOException e) {
                                // the process was killed
                            }
                        });
        reader.start();
        boolean reached = seen.await(5, TimeUnit.MINUTES);
        p.destroyForcibly();
        p.waitFor();
        reader.join();
        if (!reached) {
            throw new AssertionError(
                    count
                            + " lines starting with '"
                            + linePrefix
                            + "' did not appear before the kill");
        }
    }

    /** Writes a spec file into {@code dir}. */
    static Path spec(Path dir, String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    /** A small, fast spec: a narrow MLP for one epoch on the shipped subset. */
    static String tinySgd(String extra) {
        return "component: baselines/sgd\n"
                + "dataset: fashion-mnist-subset\n"
                + "seed: 3\n"
                + "config:\n"
                + "  model: mlp\n"
                + "  hidden: [32]\n"
                + "  epochs: 1\n"
                + "  batch-size: 256\n"
                + extra;
    }
}

package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding example, compiled and run verbatim. */
class EmbeddingIT {

    @Test
    void readmeEmbeddingExampleCompilesAndRuns(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Cli.repo().resolve("README.md"));
        Matcher m =
                Pattern.compile("<!-- embedding-example -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
                        .matcher(readme);
        assertTrue(m.find(), "README.md has a java block after <!-- embedding-example -->");
        Path src = dir.resolve("EmbedExample.java");
        Files.writeString(src, m.group(1));
        String cp;
        try (var jars = Files.list(Cli.dist().resolve("lib"))) {
            cp =
                    String.join(
                            java.io.File.pathSeparator, jars.map(Path::toString).sorted().toList());
        }
        int rc =
                ToolProvider.getSystemJavaCompiler()
                        .run(
                                null,
                                null,
                                null,
                                "--release",
                                "17",
                                "-cp",
                                cp,
                                "-d",
                                dir.toString(),
                                src.toString());
        assertEquals(0, rc, "the README example compiles against the distribution's lib/");
        Files.deleteIfExists(Cli.repo().resolve("target/embedding-example.db"));
        ProcessBuilder pb =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Dai.djl.pytorch.num_threads=1",
                                "-cp",
                                cp + java.io.File.pathSeparator + dir,
                                "EmbedExample")
                        .directory(Cli.repo().toFile())
                        .redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("test_accuracy"), out);
        assertTrue(List.of(out.split("\n")).stream().anyMatch(l -> l.startsWith("{")), out);
    }
}

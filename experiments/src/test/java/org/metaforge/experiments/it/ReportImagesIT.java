package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's PNG artefacts (as zskt's grids of generated samples) reach report.html as images with
 * their captions, in the order the result lists them, and are written beside it; through {@code
 * run}, its cached answer, and {@code show --out}.
 */
class ReportImagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pngArtefactsAreShownInTheReportWithCaptionsAndWrittenBesideIt(@TempDir Path dir)
            throws Exception {
        String early = png(2);
        String late = png(3);
        String extra = png(4);
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins);
        PluginJars.build(
                dir,
                "imager",
                "com.example.imager.ImagerPlugin",
                sources(early, late, extra),
                plugins.resolve("imager-1.0.0.jar"));
        Cli.spec(dir, "img.yaml", "component: imager/imager\ndataset: fashion-mnist-subset\n");
        String[] common = {
            "--plugins",
            plugins.toString(),
            "--store",
            dir.resolve("s.db").toString(),
            "--threads",
            "1"
        };

        Cli.Result run = Cli.run(dir, args("run", "img.yaml", "--out", "out", common));
        assertEquals(0, run.exit(), run.all());
        Path out = dir.resolve("out");
        assertTrue(run.out().contains("wrote out/grid-5.png"), run.out());
        assertShown(out, early, late, extra);

        Cli.Result again = Cli.run(dir, args("run", "img.yaml", "--out", "out", common));
        assertEquals(0, again.exit(), again.all());
        assertTrue(again.out().contains("is already this result's report"), again.out());
        assertShown(out, early, late, extra);

        String key = JSON.readTree(out.resolve("result.json").toFile()).get("key").asText();
        Cli.Result show =
                Cli.run(dir, args("show", key.substring(0, 16), "--out", "shown", common));
        assertEquals(0, show.exit(), show.all());
        assertShown(dir.resolve("shown"), early, late, extra);
    }

    private static void assertShown(Path out, String early, String late, String extra)
            throws IOException {
        String html = Files.readString(out.resolve("report.html"));
        int at5 = html.indexOf("src=\"data:image/png;base64," + early + "\"");
        int at20 = html.indexOf("src=\"data:image/png;base64," + late + "\"");
        int atExtra = html.indexOf("src=\"data:image/png;base64," + extra + "\"");
        assertTrue(at5 > 0 && at20 > 0 && atExtra > 0, "every PNG artefact is embedded");
        // the result lists step 5 before step 20; the store's (sorted) order has grid-20 first
        assertTrue(at5 < at20 && at20 < atExtra, "in the listed order, unlisted images last");
        assertTrue(html.contains("<h2>Images</h2>"));
        assertTrue(html.contains("<h3>grids</h3>"));
        assertTrue(html.contains("<h3>other images</h3>"));
        assertTrue(
                html.contains(
                        "<figcaption>Samples after step 5 (<code>grid-5.png</code>)</figcaption>"),
                html);
        assertTrue(
                html.contains(
                        "<figcaption>Samples after step 20 (<code>grid-20.png</code>)"
                                + "</figcaption>"));
        assertTrue(html.contains("<figcaption><code>extra.png</code></figcaption>"));
        assertFalse(html.contains("weights.bin"), "a non-image artefact is not an image");

        Base64.Decoder b64 = Base64.getDecoder();
        assertArrayEquals(b64.decode(early), Files.readAllBytes(out.resolve("grid-5.png")));
        assertArrayEquals(b64.decode(late), Files.readAllBytes(out.resolve("grid-20.png")));
        assertArrayEquals(b64.decode(extra), Files.readAllBytes(out.resolve("extra.png")));
        assertFalse(Files.exists(out.resolve("weights.bin")));

        JsonNode images = JSON.readTree(out.resolve("result.json").toFile()).get("images");
        List<String> files = new ArrayList<>();
        images.forEach(i -> files.add(i.get("file").asText()));
        assertEquals(List.of("grid-5.png", "grid-20.png", "extra.png"), files);
        assertEquals("Samples after step 20", images.get(1).get("caption").asText());
        assertEquals("grids", images.get(1).get("group").asText());
    }

    private static String[] args(String verb, String a, String b, String c, String[] rest) {
        List<String> all = new ArrayList<>(List.of(verb, a, b, c));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    /** A PNG of {@code size} x {@code size} grey pixels, base64. */
    private static String png(int size) throws IOException {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** A third-party Learner that saves three PNG artefacts and lists two of them with captions. */
    private static Map<String, String> sources(String early, String late, String extra) {
        String dir = "com/example/imager/";
        return Map.of(
                dir + "ImagerPlugin.java",
                "package com.example.imager;\n"
                        + "public class ImagerPlugin extends org.pf4j.Plugin {}\n",
                dir + "ImagerConfig.java",
                "package com.example.imager;\n"
                        + "import org.metaforge.sdk.config.Param;\n"
                        + "public record ImagerConfig(\n"
                        + "    @Param(value = \"unused\", defaultValue = \"0\", min = 0) int unused) {}\n",
                dir + "Imager.java",
                "package com.example.imager;\n"
                        + "import java.util.*;\n"
                        + "import org.metaforge.sdk.Learner;\n"
                        + "import org.metaforge.sdk.run.*;\n"
                        + "@org.pf4j.Extension\n"
                        + "public class Imager implements Learner<ImagerConfig> {\n"
                        + "  public String name() { return \"imager\"; }\n"
                        + "  public String description() { return \"Saves images.\"; }\n"
                        + "  public Class<ImagerConfig> configType() { return ImagerConfig.class; }\n"
                        + "  public RunResult fit(RunContext ctx, ImagerConfig c, Task task) {\n"
                        + "    Base64.Decoder d = Base64.getDecoder();\n"
                        + "    ctx.artifacts().save(\"grid-5.png\", d.decode(\""
                        + early
                        + "\"));\n"
                        + "    ctx.artifacts().save(\"grid-20.png\", d.decode(\""
                        + late
                        + "\"));\n"
                        + "    ctx.artifacts().save(\"extra.png\", d.decode(\""
                        + extra
                        + "\"));\n"
                        + "    ctx.artifacts().save(\"weights.bin\", new byte[] {1, 2, 3});\n"
                        + "    Map<String, Object> grids = new LinkedHashMap<>();\n"
                        + "    grids.put(\"binary-artifacts\", List.of(\"grid-5.png\", \"grid-20.png\"));\n"
                        + "    grids.put(\"captions\", List.of(\"Samples after step 5\", \"Samples after step 20\"));\n"
                        + "    return RunResult.builder().metric(\"test_accuracy\", 0.1)\n"
                        + "        .artifact(\"grids\", grids).build();\n"
                        + "  }\n"
                        + "}\n");
    }
}

package org.metaforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheKeyTest {

    /** The key every variant below changes in exactly one place. */
    private static CacheKey.Builder base() {
        return CacheKey.builder()
                .component("demo/sgd", "1.0.0")
                .config(Map.of("lr", 0.1, "epochs", 3, "schedule", Map.of("kind", "cosine")))
                .dataset("fashion-mnist", "ab12")
                .dataset("kmnist", "cd34")
                .seed(7)
                .extra("threads", 1);
    }

    @Test
    void writesHandComputedCanonicalJsonAndItsSha256() {
        CacheKey key =
                CacheKey.builder()
                        .component("demo/sgd", "1.0.0")
                        .config(
                                Map.of(
                                        "lr",
                                        0.1,
                                        "epochs",
                                        3,
                                        "schedule",
                                        Map.of("warmup", 2, "kind", "cosine")))
                        .dataset("fashion-mnist", "ab12")
                        .seed(7)
                        .extra("threads", 1)
                        .build();

        assertEquals(
                "{\"component\":\"demo/sgd\",\"config\":{\"epochs\":3,\"lr\":0.1,"
                        + "\"schedule\":{\"kind\":\"cosine\",\"warmup\":2}},"
                        + "\"datasets\":{\"fashion-mnist\":\"ab12\"},\"extra\":{\"threads\":1},"
                        + "\"pluginVersion\":\"1.0.0\",\"resultFormat\":1,\"seed\":7}",
                key.canonicalJson());
        // Oracle: printf '%s' '<the JSON above>' | sha256sum
        assertEquals("8441fa60cf999dbf167bc39d676d1da27a595916b53992820d848432b128eda0", key.hex());
    }

    @Test
    void givesSameKeyForSameInputsInAnyMapOrder() {
        Map<String, Object> inner1 = new LinkedHashMap<>();
        inner1.put("a", 1);
        inner1.put("b", List.of(Map.of("y", 2, "x", 1)));
        Map<String, Object> config1 = new LinkedHashMap<>();
        config1.put("lr", 0.1);
        config1.put("nested", inner1);

        Map<String, Object> xy = new LinkedHashMap<>();
        xy.put("y", 2);
        xy.put("x", 1);
        Map<String, Object> inner2 = new LinkedHashMap<>();
        inner2.put("b", List.of(xy));
        inner2.put("a", 1);
        Map<String, Object> config2 = new LinkedHashMap<>();
        config2.put("nested", inner2);
        config2.put("lr", 0.1);

        CacheKey first =
                CacheKey.builder()
                        .component("demo/sgd", "1.0.0")
                        .config(config1)
                        .dataset("a", "1")
                        .dataset("b", "2")
                        .extra("threads", 1)
                        .extra("dtype", "float32")
                        .seed(7)
                        .build();
        CacheKey second =
                CacheKey.builder()
                        .seed(7)
                        .extra("dtype", "float32")
                        .extra("threads", 1)
                        .dataset("b", "2")
                        .dataset("a", "1")
                        .config(config2)
                        .component("demo/sgd", "1.0.0")
                        .build();

        assertEquals(first.canonicalJson(), second.canonicalJson());
        assertEquals(first.hex(), second.hex());
        assertEquals(first, second);
    }

    static Stream<Arguments> oneChange() {
        return Stream.<Map.Entry<String, UnaryOperator<CacheKey.Builder>>>of(
                        Map.entry(
                                "config value",
                                b ->
                                        b.config(
                                                Map.of(
                                                        "lr",
                                                        0.2,
                                                        "epochs",
                                                        3,
                                                        "schedule",
                                                        Map.of("kind", "cosine")))),
                        Map.entry(
                                "nested config value",
                                b ->
                                        b.config(
                                                Map.of(
                                                        "lr",
                                                        0.1,
                                                        "epochs",
                                                        3,
                                                        "schedule",
                                                        Map.of("kind", "step")))),
                        Map.entry(
                                "config key added",
                                b ->
                                        b.config(
                                                Map.of(
                                                        "lr",
                                                        0.1,
                                                        "epochs",
                                                        3,
                                                        "schedule",
                                                        Map.of("kind", "cosine"),
                                                        "momentum",
                                                        0.9))),
                        Map.entry("seed", b -> b.seed(8)),
                        Map.entry("dataset fingerprint", b -> b.dataset("kmnist", "cd35")),
                        Map.entry("dataset added", b -> b.dataset("mnist", "ef56")),
                        Map.entry("plugin version", b -> b.component("demo/sgd", "1.0.1")),
                        Map.entry("component id", b -> b.component("demo/adam", "1.0.0")),
                        Map.entry("extra value", b -> b.extra("threads", 2)),
                        Map.entry("extra added", b -> b.extra("dtype", "float64")),
                        Map.entry("result format", b -> b.resultFormat(CacheKey.RESULT_FORMAT + 1)))
                .map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneChange")
    void changesKeyWhenAnyInputChanges(String what, UnaryOperator<CacheKey.Builder> change) {
        CacheKey original = base().build();
        CacheKey changed = change.apply(base()).build();

        assertNotEquals(original.hex(), changed.hex(), what + " did not change the key");
        assertNotEquals(original, changed);
    }

    @Test
    void writesIntegerAndDoubleDifferently() {
        CacheKey integer = base().config(Map.of("lr", 1)).build();
        CacheKey real = base().config(Map.of("lr", 1.0)).build();

        assertTrue(integer.canonicalJson().contains("\"lr\":1}"), integer.canonicalJson());
        assertTrue(real.canonicalJson().contains("\"lr\":1.0}"), real.canonicalJson());
        assertNotEquals(integer.hex(), real.hex());
    }

    @Test
    void isNotChangedByLaterChangesToTheCallersMap() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("lr", 0.1);
        CacheKey.Builder builder = base().config(config);
        config.put("lr", 0.5);

        assertEquals(base().config(Map.of("lr", 0.1)).build(), builder.build());
    }

    @Test
    void rejectsSetsInConfigNamingWhereTheyAre() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> base().config(Map.of("layers", Map.of("sizes", Set.of(1, 2)))));

        assertTrue(e.getMessage().contains("'config.layers.sizes'"), e.getMessage());
        assertTrue(e.getMessage().contains("sorted List"), e.getMessage());
    }

    @Test
    void rejectsObjectsWithoutCanonicalJson() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> base().extra("device", new Object()));

        assertTrue(e.getMessage().contains("'extra.device'"), e.getMessage());
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    }

    @Test
    void requiresComponentAndSeed() {
        IllegalStateException noComponent =
                assertThrows(IllegalStateException.class, () -> CacheKey.builder().seed(1).build());
        IllegalStateException noSeed =
                assertThrows(
                        IllegalStateException.class,
                        () -> CacheKey.builder().component("demo/sgd", "1").build());

        assertTrue(noComponent.getMessage().contains("component(id, version)"));
        assertTrue(noSeed.getMessage().contains("demo/sgd"));
        assertTrue(noSeed.getMessage().contains("seed(long)"));
    }

    @Test
    void hexIs64LowercaseHexDigits() {
        assertTrue(CacheKey.isHex(base().build().hex()));
    }
}

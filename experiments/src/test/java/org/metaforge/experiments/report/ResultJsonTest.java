package org.metaforge.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultJsonTest {

    record Trial(String name, double score) {}

    private static String compact(Object value) {
        return ResultJson.toNode(value).toString();
    }

    @Test
    void nonFiniteNumbersBecomeStringsEverywhere() {
        assertEquals(
                "[\"NaN\",\"Infinity\",\"-Infinity\",1.5]",
                compact(
                        new double[] {
                            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5
                        }));
        assertEquals("{\"a\":\"NaN\"}", compact(Map.of("a", Float.NaN)));
        assertEquals(
                "{\"name\":\"t\",\"score\":\"Infinity\"}",
                compact(new Trial("t", Double.POSITIVE_INFINITY)));
    }

    @Test
    void mapKeysAreSortedAtEveryDepth() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", 2);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("y", inner);
        outer.put("b", List.of(inner));

        assertEquals("{\"b\":[{\"a\":2,\"z\":1}],\"y\":{\"a\":2,\"z\":1}}", compact(outer));
    }

    @Test
    void plainValuesKeepTheirTypes() {
        assertEquals(
                "[1,2,\"x\",true,null,3.25]", compact(new Object[] {1, 2L, "x", true, null, 3.25}));
        assertEquals("[1,2,3]", compact(new int[] {1, 2, 3}));
    }

    @Test
    void prettyBytesEndWithANewline() throws Exception {
        String text =
                new String(
                        ResultJson.bytes(ResultJson.toNode(Map.of("a", 1))),
                        StandardCharsets.UTF_8);
        assertEquals('\n', text.charAt(text.length() - 1));
    }
}

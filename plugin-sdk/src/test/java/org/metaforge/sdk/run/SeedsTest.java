package org.metaforge.sdk.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedsTest {

    @Test
    void derivedSeedsAreReproducibleAndDistinctPerLabelIndexAndMaster() {
        Seeds a = new Seeds(1);
        assertEquals(a.derive("trial", 3), new Seeds(1).derive("trial", 3));
        assertNotEquals(a.derive("trial", 3), a.derive("trial", 4));
        assertNotEquals(a.derive("trial", 3), a.derive("split", 3));
        assertNotEquals(a.derive("trial", 3), new Seeds(2).derive("trial", 3));
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(a.derive("trial", i));
        }
        assertEquals(10_000, seen.size());
    }
}

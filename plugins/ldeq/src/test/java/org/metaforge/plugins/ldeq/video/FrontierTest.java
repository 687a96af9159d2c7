package org.metaforge.plugins.ldeq.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class FrontierTest {

    // (NMF, NME): b and d are dominated (c is smoother and more accurate than d; a beats b)
    private final Frontier frontier =
            new Frontier(
                    List.of(
                            new Frontier.Point("a", 100, 9.0),
                            new Frontier.Point("b", 120, 9.5),
                            new Frontier.Point("c", 300, 8.0),
                            new Frontier.Point("d", 400, 8.5),
                            new Frontier.Point("e", 500, 7.5)));

    @Test
    void bestAtOrBelowTakesTheLowestNmeAmongTheSmootherSettings() {
        assertNull(frontier.bestAtOrBelow(99.9));
        assertEquals("a", frontier.bestAtOrBelow(100).label());
        assertEquals("a", frontier.bestAtOrBelow(299).label());
        assertEquals("c", frontier.bestAtOrBelow(300).label());
        // d is allowed at 450 but c, smoother, is also more accurate
        assertEquals("c", frontier.bestAtOrBelow(450).label());
        assertEquals("e", frontier.bestAtOrBelow(1e9).label());
    }

    @Test
    void paretoKeepsTheUndominatedPointsByIncreasingNmf() {
        assertEquals(
                List.of("a", "c", "e"),
                frontier.pareto().stream().map(Frontier.Point::label).toList());
    }
}

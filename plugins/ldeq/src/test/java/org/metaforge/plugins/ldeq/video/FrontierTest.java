package org.metaforge.plugins.ldeq.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void rwrWinsOnlyBelowEveryComparableFiltersBestSettingAtItsNmf() {
        Frontier smoothFilter = new Frontier(List.of(new Frontier.Point("s", 50, 9.2)));
        // at NMF 300 the best of `frontier` is c (8.0) and of smoothFilter s (9.2)
        Frontier.Verdict win =
                Frontier.judge(new Frontier.Point("r", 300, 7.9), frontier, smoothFilter);
        assertEquals("c", win.ema().label());
        assertEquals("s", win.oneEuro().label());
        assertTrue(win.rwrWins());
        assertEquals("yes", win.outcome());
        // 8.1 beats s but not c
        Frontier.Verdict loss =
                Frontier.judge(new Frontier.Point("r", 300, 8.1), frontier, smoothFilter);
        assertFalse(loss.rwrWins());
        assertEquals("no", loss.outcome());
        // only smoothFilter reaches NMF 60: it alone decides
        Frontier.Verdict oneSided =
                Frontier.judge(new Frontier.Point("r", 60, 9.0), frontier, smoothFilter);
        assertNull(oneSided.ema());
        assertTrue(oneSided.rwrWins());
        // smoother than every setting of both: no comparison, not a win
        Frontier.Verdict none =
                Frontier.judge(new Frontier.Point("r", 10, 1.0), frontier, smoothFilter);
        assertFalse(none.comparable());
        assertFalse(none.rwrWins());
        assertEquals("n/a", none.outcome());
        assertEquals("none that smooth", Frontier.describe(none.ema()));
        assertEquals("8.000 / 300.0 (c)", Frontier.describe(win.ema()));
    }

    @Test
    void paretoKeepsTheUndominatedPointsByIncreasingNmf() {
        assertEquals(
                List.of("a", "c", "e"),
                frontier.pareto().stream().map(Frontier.Point::label).toList());
    }
}

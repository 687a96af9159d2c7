package org.metaforge.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.metaforge.sdk.run.Plot;

class PlotRendererTest {

    @Test
    void tickLabelsKeepTheLeadingZeroAndDropFloatNoise() {
        assertEquals("0.09", PlotRenderer.tickLabel(0.09));
        assertEquals("0.3", PlotRenderer.tickLabel(0.1 + 0.2));
        assertEquals("1200", PlotRenderer.tickLabel(1200.0));
        assertEquals("-2.5", PlotRenderer.tickLabel(-2.5));
        assertEquals("0", PlotRenderer.tickLabel(0.0));
        assertEquals("2.5e-5", PlotRenderer.tickLabel(2.5e-5));
        assertEquals("1e8", PlotRenderer.tickLabel(1e8));
        assertEquals("1e-5", PlotRenderer.tickLabel(9.99999999e-6));
    }

    @Test
    void legendOnlyForSeveralSeriesAndMarkersOnlyForShortOnes() {
        double[] longX = new double[100];
        double[] longY = new double[100];
        for (int i = 0; i < 100; i++) {
            longX[i] = i;
            longY[i] = i * i;
        }
        XYChart one =
                PlotRenderer.chart(
                        new Plot("t", "x", "y", List.of(new Plot.Series("a", longX, longY))));
        XYChart two =
                PlotRenderer.chart(
                        new Plot(
                                "t",
                                "x",
                                "y",
                                List.of(
                                        new Plot.Series("a", longX, longY),
                                        new Plot.Series(
                                                "b", new double[] {1, 2}, new double[] {3, 4}))));

        assertFalse(one.getStyler().isLegendVisible());
        assertTrue(two.getStyler().isLegendVisible());
        assertEquals(SeriesMarkers.NONE, two.getSeriesMap().get("a").getMarker());
        assertEquals(SeriesMarkers.CIRCLE, two.getSeriesMap().get("b").getMarker());
    }

    @Test
    void awkwardSeriesAreDrawnRatherThanRejected() throws Exception {
        Plot plot =
                new Plot(
                        null,
                        null,
                        null,
                        List.of(
                                new Plot.Series(
                                        "same",
                                        new double[] {0, 1},
                                        new double[] {1, Double.POSITIVE_INFINITY}),
                                new Plot.Series(
                                        "same", new double[] {0, Double.NaN}, new double[] {2, 3}),
                                new Plot.Series(null, new double[] {}, new double[] {}),
                                new Plot.Series(
                                        null, new double[] {Double.NaN}, new double[] {1})));

        XYChart chart = PlotRenderer.chart(plot);

        assertEquals(List.of("same", "same (2)"), List.copyOf(chart.getSeriesMap().keySet()));
        XYSeries second = chart.getSeriesMap().get("same (2)");
        assertEquals(1, second.getXData().length);
        assertTrue(PlotRenderer.png(plot).length > 0);
    }

    @Test
    void longLegendsAreStackedOnePerLine() {
        double[] x = {1, 2};
        XYChart shortNames =
                PlotRenderer.chart(
                        new Plot(
                                "t",
                                "x",
                                "y",
                                List.of(new Plot.Series("a", x, x), new Plot.Series("b", x, x))));
        XYChart longNames =
                PlotRenderer.chart(
                        new Plot(
                                "t",
                                "x",
                                "y",
                                List.of(
                                        new Plot.Series("successive-halving-fashion-mnist", x, x),
                                        new Plot.Series("random-search-16x8-fashion-mnist", x, x),
                                        new Plot.Series("sgd-hd-fashion-mnist (seed 2)", x, x))));
        assertEquals(Styler.LegendLayout.Horizontal, shortNames.getStyler().getLegendLayout());
        assertEquals(Styler.LegendLayout.Vertical, longNames.getStyler().getLegendLayout());
    }
}

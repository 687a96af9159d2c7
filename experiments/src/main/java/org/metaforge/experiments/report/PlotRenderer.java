package org.metaforge.experiments.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.metaforge.sdk.run.Plot;

/**
 * Draws a {@link Plot} as an 800x500 PNG line chart with XChart, off screen.
 *
 * <p>Non-finite y values leave a gap in their line; points with a non-finite x are dropped, and so
 * are series left without points. Series without a name are called {@code series N}, and repeated
 * names get a {@code (2)}, {@code (3)} suffix, because XChart wants unique names.
 */
final class PlotRenderer {

    static final int WIDTH = 800;
    static final int HEIGHT = 500;

    /**
     * Legend entries with more characters than this in total are stacked one per line, since a
     * horizontal legend that long runs off the image (e.g. one entry per spec and seed).
     */
    static final int MAX_LEGEND_CHARS_IN_A_ROW = 90;

    /** Series longer than this are drawn without point markers, which would only blur the line. */
    static final int MAX_POINTS_WITH_MARKERS = 40;

    // A palette that stays distinguishable in print and for the common colour-vision deficiencies.
    private static final Color[] PALETTE = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b),
        new Color(0xe377c2),
        new Color(0x7f7f7f),
        new Color(0xbcbd22),
        new Color(0x17becf),
    };

    private PlotRenderer() {}

    /**
     * Sets {@code java.awt.headless=true} unless the property is already set, so that rendering
     * works on machines without a display. Must run before anything touches AWT.
     */
    static void ensureHeadless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The PNG bytes of {@code plot}. */
    static byte[] png(Plot plot) throws IOException {
        ensureHeadless();
        return BitmapEncoder.getBitmapBytes(chart(plot), BitmapEncoder.BitmapFormat.PNG);
    }

    static XYChart chart(Plot plot) {
        XYChart chart =
                new XYChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(nullToEmpty(plot.title()))
                        .xAxisTitle(nullToEmpty(plot.xLabel()))
                        .yAxisTitle(nullToEmpty(plot.yLabel()))
                        .build();
        style(chart.getStyler());
        Set<String> usedNames = new HashSet<>();
        int drawn = 0;
        int legendChars = 0;
        for (int i = 0; i < plot.series().size(); i++) {
            Plot.Series s = plot.series().get(i);
            double[][] points = drawablePoints(s);
            if (points[0].length == 0) {
                continue;
            }
            String name = uniqueName(s.name(), i + 1, usedNames);
            XYSeries series = chart.addSeries(name, points[0], points[1]);
            legendChars += name.length() + 6;
            series.setLineColor(PALETTE[drawn % PALETTE.length]);
            series.setMarkerColor(PALETTE[drawn % PALETTE.length]);
            series.setLineStyle(new BasicStroke(2f));
            series.setMarker(
                    points[0].length > MAX_POINTS_WITH_MARKERS
                            ? SeriesMarkers.NONE
                            : SeriesMarkers.CIRCLE);
            drawn++;
        }
        chart.getStyler().setLegendVisible(drawn > 1);
        if (legendChars > MAX_LEGEND_CHARS_IN_A_ROW) {
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        }
        return chart;
    }

    private static void style(XYStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(Color.GRAY);
        styler.setPlotGridLinesColor(new Color(0xdddddd));
        styler.setChartTitleBoxVisible(false);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setMarkerSize(6);
        styler.setAntiAlias(true);
        styler.setXAxisTickMarkSpacingHint(90);
        styler.setxAxisTickLabelsFormattingFunction(PlotRenderer::tickLabel);
        styler.setyAxisTickLabelsFormattingFunction(PlotRenderer::tickLabel);
    }

    /**
     * An axis label for {@code v} with at most six significant digits and no trailing zeros: {@code
     * 0.09}, {@code 1200}, {@code 2.5e-5}. XChart's own pattern drops the leading zero.
     */
    static String tickLabel(Double v) {
        if (v == null || !Double.isFinite(v)) {
            return "";
        }
        double magnitude = Math.abs(v);
        if (magnitude == 0) {
            return "0";
        }
        if (magnitude >= 1e-4 && magnitude < 1e7) {
            return plain(new BigDecimal(v).round(new MathContext(6)));
        }
        int exponent = (int) Math.floor(Math.log10(magnitude));
        BigDecimal mantissa = new BigDecimal(v).movePointLeft(exponent).round(new MathContext(4));
        if (mantissa.abs().compareTo(BigDecimal.TEN) >= 0) { // log10 rounding at a power of ten
            mantissa = mantissa.movePointLeft(1);
            exponent++;
        }
        return plain(mantissa) + "e" + exponent;
    }

    private static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    /** x and y with non-finite x dropped and non-finite y turned into gaps (NaN). */
    private static double[][] drawablePoints(Plot.Series s) {
        double[] x = new double[s.x().length];
        double[] y = new double[s.y().length];
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(s.x()[i])) {
                continue;
            }
            x[n] = s.x()[i];
            y[n] = Double.isFinite(s.y()[i]) ? s.y()[i] : Double.NaN;
            n++;
        }
        return new double[][] {Arrays.copyOf(x, n), Arrays.copyOf(y, n)};
    }

    private static String uniqueName(String name, int position, Set<String> used) {
        String base = name == null || name.isBlank() ? "series " + position : name;
        String candidate = base;
        for (int k = 2; !used.add(candidate); k++) {
            candidate = base + " (" + k + ")";
        }
        return candidate;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

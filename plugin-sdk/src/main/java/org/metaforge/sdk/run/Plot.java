package org.metaforge.sdk.run;

import java.util.List;

/**
 * The data of one line plot: several named series over a shared pair of axes.
 *
 * @param title the plot's title
 * @param xLabel the x axis label
 * @param yLabel the y axis label
 * @param series the lines
 */
public record Plot(String title, String xLabel, String yLabel, List<Series> series) {

    /** Copies the series list. */
    public Plot {
        series = List.copyOf(series);
    }

    /**
     * One line of a plot.
     *
     * @param name the legend entry
     * @param x the x values
     * @param y the y values, as many as {@code x}
     */
    public record Series(String name, double[] x, double[] y) {
        /** Checks that x and y have equal length. */
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException(
                        "Series '" + name + "' has " + x.length + " x and " + y.length + " y");
            }
        }
    }
}

package org.metaforge.plugins.ldeq.video;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.metaforge.sdk.run.Plot;

/**
 * The settings of a smoother (a filter's parameters, RwR's gamma) as points of accuracy against
 * smoothness on the same videos, for the comparison "NME at equal or lower NMF".
 */
final class Frontier {

    /**
     * One setting: its label, its parameters (e.g. a filter's; may be empty), its mean NMF and its
     * mean NME (percent).
     */
    record Point(String label, double[] setting, double nmf, double nme) {

        /** A point without parameters. */
        Point(String label, double nmf, double nme) {
            this(label, new double[0], nmf, nme);
        }
    }

    /**
     * How one RwR point fares against two filters' fronts.
     *
     * @param ema the EMA setting with the lowest NME at an NMF at most RwR's, or null if none is
     *     that smooth
     * @param oneEuro the same for the One-Euro filter
     */
    record Verdict(Point rwr, Point ema, Point oneEuro) {

        /** Whether at least one filter has a setting as smooth as RwR, so there is a comparison. */
        boolean comparable() {
            return ema != null || oneEuro != null;
        }

        /**
         * Whether RwR's NME is below that of every comparable filter's best setting at its NMF;
         * false when no filter is comparable (a point smoother than every filter setting wins
         * nothing by that alone).
         */
        boolean rwrWins() {
            return comparable()
                    && (ema == null || rwr.nme() < ema.nme())
                    && (oneEuro == null || rwr.nme() < oneEuro.nme());
        }

        /** "yes", "no", or "n/a" when no filter is comparable. */
        String outcome() {
            return !comparable() ? "n/a" : rwrWins() ? "yes" : "no";
        }
    }

    private final List<Point> points;

    Frontier(List<Point> points) {
        this.points = List.copyOf(points);
    }

    /**
     * The setting with the lowest NME among those whose NMF is at most {@code nmf}, or null if none
     * is that smooth.
     */
    Point bestAtOrBelow(double nmf) {
        Point best = null;
        for (Point p : points) {
            if (p.nmf() <= nmf
                    && p.nme() < (best == null ? Double.POSITIVE_INFINITY : best.nme())) {
                best = p;
            }
        }
        return best;
    }

    /**
     * The first setting with the lowest NMF (the first point when no NMF is a number): the fallback
     * of a tuning that no setting satisfies.
     */
    Point smoothest() {
        Point best = points.get(0);
        double lowest = Double.POSITIVE_INFINITY;
        for (Point p : points) {
            if (p.nmf() < lowest) {
                lowest = p.nmf();
                best = p;
            }
        }
        return best;
    }

    /** {@code rwr} against the best settings of {@code ema} and {@code oneEuro} at its NMF. */
    static Verdict judge(Point rwr, Frontier ema, Frontier oneEuro) {
        return new Verdict(rwr, ema.bestAtOrBelow(rwr.nmf()), oneEuro.bestAtOrBelow(rwr.nmf()));
    }

    /**
     * The points that no other point beats on both NME and NMF, by increasing NMF (so a line
     * through them is the trade-off curve).
     */
    List<Point> pareto() {
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(Point::nmf).thenComparingDouble(Point::nme));
        List<Point> front = new ArrayList<>();
        double lowest = Double.POSITIVE_INFINITY;
        for (Point p : sorted) {
            if (p.nme() < lowest) {
                front.add(p);
                lowest = p.nme();
            }
        }
        return front;
    }

    List<Point> points() {
        return points;
    }

    /** A table cell: "NME / NMF (label)", or "none that smooth" for null. */
    static String describe(Point p) {
        return p == null
                ? "none that smooth"
                : String.format(Locale.ROOT, "%.3f / %.1f (%s)", p.nme(), p.nmf(), p.label());
    }

    /** The points as a plot series, NMF on x and NME on y, in the order given. */
    static Plot.Series series(String name, List<Point> points) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i).nmf();
            y[i] = points.get(i).nme();
        }
        return new Plot.Series(name, x, y);
    }
}

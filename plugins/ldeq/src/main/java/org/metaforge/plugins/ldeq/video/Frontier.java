package org.metaforge.plugins.ldeq.video;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The settings of a smoother (a filter's parameters, RwR's gamma) as points of accuracy against
 * smoothness on the same videos, for the comparison "NME at equal or lower NMF".
 */
final class Frontier {

    /** One setting: its label, its mean NMF and its mean NME (percent). */
    record Point(String label, double nmf, double nme) {}

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
            if (p.nmf() <= nmf && (best == null || p.nme() < best.nme())) {
                best = p;
            }
        }
        return best;
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
}

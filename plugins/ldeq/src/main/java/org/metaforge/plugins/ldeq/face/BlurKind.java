package org.metaforge.plugins.ldeq.face;

/** The blur kernel applied to a rendered face. */
public enum BlurKind {
    /** A separable Gaussian with the given standard deviation. */
    GAUSSIAN,
    /** A separable box whose standard deviation matches the given one. */
    BOX
}

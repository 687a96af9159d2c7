package org.metaforge.plugins.solvers;

/** Which secant condition Broyden's rank-one update of the inverse Jacobian satisfies. */
public enum BroydenMethod {
    /** Broyden's first ("good") method: the Jacobian gets the least change (Sherman-Morrison). */
    GOOD,
    /** Broyden's second ("bad") method: the inverse Jacobian gets the least change. */
    BAD
}

package org.metaforge.sdk.solver;

import ai.djl.ndarray.NDArray;

/**
 * The outcome of a fixed-point solve.
 *
 * @param z the best iterate found (lowest residual), same shape as the start
 * @param residuals relative residual {@code ||f(z)-z|| / ||f(z)||} after each iteration
 * @param evaluations how many times the map was evaluated
 * @param converged whether the stopping tolerance was met
 */
public record FixedPointResult(NDArray z, double[] residuals, int evaluations, boolean converged) {}

package org.metaforge.sdk.solver;

import ai.djl.ndarray.NDArray;

/**
 * The outcome of a fixed-point solve of a batched map.
 *
 * <p>Residuals are measured per sample, on the sample's flattened values: the absolute residual of
 * an iterate {@code z} is {@code ||f(z) - z||}, its relative residual {@code ||f(z) - z|| /
 * (||f(z)|| + 1e-5)}. A residual that is not finite (the map overflowed) is recorded as {@link
 * Double#MAX_VALUE}, so every number in a result is finite.
 *
 * @param z per sample, the evaluated iterate closest to meeting the stopping rule; same shape as
 *     the start, finite whenever the start is, attached to the start's manager
 * @param mapped the map's value {@code f(z)} at those iterates, as the solve evaluated it (a caller
 *     that needs {@code f(z*)}, say to read out a DEQ, need not evaluate the map again); same
 *     shape, attached to the start's manager
 * @param residuals for each evaluation of the map, in order, the largest relative residual over the
 *     batch (one entry per evaluation)
 * @param evaluations how many times the map was evaluated; each evaluation covers the whole batch
 * @param converged whether every sample met the stopping tolerance
 * @param sampleResiduals per sample, the relative residual of its iterate in {@code z}
 * @param sampleAbsoluteResiduals per sample, the absolute residual of its iterate in {@code z}
 */
public record FixedPointResult(
        NDArray z,
        NDArray mapped,
        double[] residuals,
        int evaluations,
        boolean converged,
        double[] sampleResiduals,
        double[] sampleAbsoluteResiduals) {}

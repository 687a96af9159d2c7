package org.metaforge.plugins.baselines;

/**
 * The optimiser that fine-tunes a meta-learned initialisation on a test episode's support set
 * ({@code test-optimizer} of {@code baselines/reptile}).
 */
public enum FineTuneOptimizer {
    /** Plain SGD, the inner loop of meta-training: evaluation exactly as MAML's. */
    SGD,
    /**
     * Adam (PyTorch's defaults, fresh moments for every episode), the optimiser of the support-only
     * floor and of the Reptile paper's inner loop.
     */
    ADAM
}

package org.metaforge.plugins.ldeq.model;

/**
 * The shape of one convolution a cell evaluation runs: {@code in} channels of side {@code side} to
 * {@code out} channels, a square {@code kernel}, padding {@code (kernel - 1) / 2}.
 */
public record Convolution(int in, int side, int out, int kernel, int stride) {

    /** The side of the output. */
    public int outSide() {
        int p = (kernel - 1) / 2;
        return (side + 2 * p - kernel) / stride + 1;
    }

    /** Multiply-accumulates for a batch of {@code batch}. */
    public long macs(long batch) {
        return batch * out * (long) outSide() * outSide() * in * kernel * kernel;
    }
}

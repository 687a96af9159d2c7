package org.metaforge.plugins.ldeq.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The list of convolutions the benchmark's floor times, against hand counts. */
class ConvolutionInventoryTest {

    @Test
    void benchmarkSizeMatchesTheReferenceCountLessTheTwoRewrites() {
        // the benchmark's architecture: grayscale 128, heatmaps 98 x 32 x 32, widths 64 + 8k, depth
        // 4
        LdeqNetwork net = new LdeqNetwork(new Architecture(1, 128, 32, 98, 64, 64, 8, 4, 8, 1.0));
        List<Convolution> convs = net.cellConvolutions();
        // per level: 3x3, way down, way up, two merge halves, 5x5; plus bottleneck, first, head
        assertEquals(4 * 6 + 3, convs.size());
        // The authors' cell (whose convolutions do not depend on the input's channels), hooked in
        // PyTorch at batch 1: 265,852,928 multiply-accumulates. This
        // cell computes the injection's share of the first 1x1 convolution once per solve
        // (32^2 x 64 x 64 fewer) and each merge conv([skip, up(low)]) of 2w to w channels at side
        // r as conv(skip) at r plus conv(low) at r / 2 (r^2 w^2 - (r/2)^2 w^2 fewer).
        long injectionShare = 32L * 32 * 64 * 64;
        long merges = 0;
        int[] widths = {64, 72, 80, 88};
        for (int k = 0; k < 4; k++) {
            long r = 32 >> k;
            long w = widths[k];
            merges += r * r * w * w - (r / 2) * (r / 2) * w * w;
        }
        long macs = convs.stream().mapToLong(c -> c.macs(1)).sum();
        assertEquals(265_852_928L - injectionShare - merges, macs);
    }

    @Test
    void stridedOutputSideAndCount() {
        // the stem's first convolution: 7x7, stride 2, padding 3, 128 -> 64
        Convolution first = new Convolution(1, 128, 16, 7, 2);
        assertEquals(64, first.outSide());
        assertEquals(2L * 16 * 64 * 64 * 49, first.macs(2));
        // 5x5, stride 2, padding 2 on an odd side: (9 + 4 - 5) / 2 + 1 = 5
        assertEquals(5, new Convolution(4, 9, 4, 5, 2).outSide());
    }

    @Test
    void smallArchitectureByHand() {
        // heatmaps 3 x 8 x 8, widths 8 and 12, depth 1
        LdeqNetwork net = new LdeqNetwork(new Architecture(1, 32, 8, 3, 8, 8, 4, 1, 2, 1.0));
        List<Convolution> convs = net.cellConvolutions();
        List<Convolution> expected =
                List.of(
                        new Convolution(3, 8, 8, 1, 1), // heatmaps' share of the first 1x1
                        new Convolution(8, 8, 8, 3, 1), // level 0, 3x3
                        new Convolution(8, 4, 12, 3, 1), // way down
                        new Convolution(12, 4, 12, 3, 1), // bottleneck
                        new Convolution(12, 4, 8, 3, 1), // way up
                        new Convolution(8, 8, 8, 1, 1), // merge, skip half
                        new Convolution(8, 4, 8, 1, 1), // merge, coarse half
                        new Convolution(8, 8, 8, 5, 1), // refinement
                        new Convolution(8, 8, 3, 1, 1)); // head
        assertEquals(expected, convs);
        // 8x8x(3x8) + 8x8x(8x8x9) + 4x4x(8x12x9) + 4x4x(12x12x9) + 4x4x(12x8x9) + 8x8x(8x8)
        // + 4x4x(8x8) + 8x8x(8x8x25) + 8x8x(8x3)
        long byHand = 1536 + 36864 + 13824 + 20736 + 13824 + 4096 + 1024 + 102400 + 1536;
        assertEquals(byHand, convs.stream().mapToLong(c -> c.macs(1)).sum());
    }
}

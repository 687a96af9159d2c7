package org.metaforge.plugins.ldeq.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.metaforge.sdk.nn.Activations;
import org.metaforge.sdk.nn.AvgPool2d;
import org.metaforge.sdk.nn.Conv2d;
import org.metaforge.sdk.nn.GroupNorm;
import org.metaforge.sdk.nn.MaxPool2d;
import org.metaforge.sdk.nn.ModelState;
import org.metaforge.sdk.nn.Sequential;
import org.metaforge.sdk.nn.Upsample;

/**
 * The network's fused, prepared forward pass against an independent oracle: the layer-by-layer
 * formulation it replaced, written here with the SDK's layers ({@code Conv2d}, leaky ReLU, {@code
 * GroupNorm}, pooling and {@code Upsample} as {@link Sequential}s over the flat vector, the 1x1
 * convolutions taking concatenations). In float64 with the oracle's leaky slope and epsilon set to
 * the float values the engine's fused operations take, to 1e-11; in float32 at the benchmark's size
 * (the oracle as it ran before, slope 0.01 and epsilon 1e-5 in double), to 5e-5 on heatmaps in (0,
 * 1] (measured: 1.6e-5).
 */
class CellFormulationTest {

    @Test
    void float64MatchesTheLayerByLayerForm() {
        Architecture arch = new Architecture(1, 32, 8, 3, 8, 8, 4, 2, 2, 1.5);
        compare(arch, DataType.FLOAT64, ConvBlock.LEAKY_SLOPE, ConvBlock.EPS, 1e-11);
    }

    @Test
    void float32AtTheBenchmarkSizeMatchesTheLayerByLayerForm() {
        Architecture arch = new Architecture(1, 128, 32, 98, 64, 64, 8, 4, 8, 1.0);
        compare(arch, DataType.FLOAT32, 0.01, 1e-5, 5e-5);
    }

    private static void compare(
            Architecture arch, DataType type, double slope, double eps, double tolerance) {
        LdeqNetwork net = new LdeqNetwork(arch);
        Oracle oracle = new Oracle(arch, slope, eps);
        assertEquals(oracle.count, net.parameterCount(), "parameter layout");
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(21);
            NDArray params = net.initialParameters(m, 7).toType(type, false);
            NDArray images =
                    m.randomUniform(
                            0, 1, new Shape(2, 1, arch.imageSize(), arch.imageSize()), type);
            NDArray z = m.randomUniform(0, 1, net.heatmapShape(2), type);

            NDArray injection = net.injection(params, images);
            NDArray expectedInjection = oracle.injection(params, images);
            assertClose(expectedInjection, injection, tolerance * 10, "injection");

            NDArray expected = oracle.cell(params, z, expectedInjection);
            UnaryOperator<NDArray> map = net.cellMap(params, expectedInjection);
            assertClose(expected, map.apply(z), tolerance, "prepared cell");
            // a second evaluation of the prepared map with another z: nothing stale is reused
            NDArray z2 = m.randomUniform(0, 1, net.heatmapShape(2), type);
            assertClose(
                    oracle.cell(params, z2, expectedInjection),
                    map.apply(z2),
                    tolerance,
                    "second evaluation");
            assertClose(
                    expected, net.cell(params, z, expectedInjection), tolerance, "one-call cell");
        }
    }

    private static void assertClose(
            NDArray expected, NDArray actual, double tolerance, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        double worst = expected.sub(actual).abs().max().toType(DataType.FLOAT64, false).getDouble();
        double scale = expected.abs().max().toType(DataType.FLOAT64, false).getDouble();
        System.out.printf("%s: largest difference %.3e (values up to %.3e)%n", what, worst, scale);
        assertTrue(worst <= tolerance * Math.max(1, scale), what + ": largest difference " + worst);
    }

    /** The layer-by-layer formulation, blocks in the network's parameter order. */
    private static final class Oracle {

        private final Architecture arch;
        private final List<Sequential> nets = new ArrayList<>();
        private final List<Long> offsets = new ArrayList<>();
        private final double slope;
        private final double eps;
        private long count;
        private final int[] stem;
        private final int tail;
        private final int[] same;
        private final int[] up;
        private final int bottleneck;
        private final int[] down;
        private final int[] merge;
        private final int[] refine;
        private final int head;

        Oracle(Architecture arch, double slope, double eps) {
            this.arch = arch;
            this.slope = slope;
            this.eps = eps;
            int s = arch.imageSize();
            int i = arch.injectionWidth();
            int g = arch.groups();
            stem =
                    new int[] {
                        add(block(arch.channels(), s, i / 4, 7, 2, g)),
                        add(block(i / 4, s / 2, i / 2, 3, 1, g)),
                        add(
                                Sequential.builder(new Shape(i / 2, s / 2, s / 2))
                                        .add(MaxPool2d.of(2))
                                        .build()),
                        add(block(i / 2, s / 4, i, 3, 1, g))
                    };
            int h = arch.heatmapSize();
            int depth = arch.hourglassDepth();
            tail = add(block(arch.landmarks() + i, h, width(0), 1, 1, g));
            same = new int[depth];
            up = new int[depth];
            down = new int[depth];
            merge = new int[depth];
            refine = new int[depth];
            for (int k = 0; k < depth; k++) {
                same[k] = add(block(width(k), h >> k, width(k), 3, 1, g));
                up[k] = add(block(width(k), (h >> k) / 2, width(k + 1), 3, 1, g));
            }
            bottleneck = add(block(width(depth), h >> depth, width(depth), 3, 1, g));
            for (int k = depth - 1; k >= 0; k--) {
                down[k] = add(block(width(k + 1), (h >> k) / 2, width(k), 3, 1, g));
                merge[k] = add(block(2 * width(k), h >> k, width(k), 1, 1, g));
                refine[k] = add(block(width(k), h >> k, width(k), 5, 1, g));
            }
            head =
                    add(
                            Sequential.builder(new Shape(width(0), h, h))
                                    .add(Conv2d.of(arch.landmarks(), 1))
                                    .build());
        }

        private int width(int k) {
            return arch.cellWidth() + k * arch.widthIncrement();
        }

        private Sequential block(int in, int size, int out, int kernel, int stride, int g) {
            return Sequential.builder(new Shape(in, size, size))
                    .add(Conv2d.of(out, kernel).stride(stride).padding((kernel - 1) / 2))
                    .add(Activations.leakyRelu(slope))
                    .add(GroupNorm.of(g).eps(eps))
                    .build();
        }

        private int add(Sequential net) {
            nets.add(net);
            offsets.add(count);
            count += net.parameterCount();
            return nets.size() - 1;
        }

        private NDArray run(int b, NDArray params, NDArray x) {
            long n = nets.get(b).parameterCount();
            long o = offsets.get(b);
            return nets.get(b)
                    .forward(
                            params.get(new NDIndex("{}:{}", o, o + n)), x, new ModelState(), false);
        }

        NDArray injection(NDArray params, NDArray images) {
            NDArray x = images;
            for (int b : stem) {
                x = run(b, params, x);
            }
            return x;
        }

        NDArray cell(NDArray params, NDArray z, NDArray injection) {
            NDArray x = run(tail, params, NDArrays.concat(new NDList(z, injection), 1));
            x = level(0, params, x);
            NDArray h = run(head, params, x);
            NDArray peak = h.max(new int[] {3}, true).max(new int[] {2}, true);
            return h.sub(peak).mul(arch.beta()).exp();
        }

        private NDArray level(int k, NDArray params, NDArray x) {
            NDArray skip = run(same[k], params, x);
            NDArray inner = run(up[k], params, AvgPool2d.of(2).forward(skip, null));
            inner =
                    k + 1 < arch.hourglassDepth()
                            ? level(k + 1, params, inner)
                            : run(bottleneck, params, inner);
            NDArray upsampled = Upsample.nearest(2).forward(run(down[k], params, inner), null);
            NDArray merged = run(merge[k], params, NDArrays.concat(new NDList(skip, upsampled), 1));
            return run(refine[k], params, merged).add(merged);
        }
    }
}

package org.metaforge.plugins.ldeq.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.metaforge.sdk.nn.Scalars;

/**
 * Landmark coordinates and uncertainties from normalised heatmaps, as expectations over the grid.
 *
 * <p>Each heatmap {@code (H, W)} is divided by {@code 1e-4 + its sum} (the reference's guard, so a
 * heatmap of zeros gives a point at the origin rather than NaN); the coordinate is the expectation
 * of the cell centres {@code ((j + 0.5) / W, (i + 0.5) / H)}: image coordinates divided by the
 * image side, so a landmark at pixel position {@code p} of an {@code S}-pixel image is {@code p /
 * S}. (The reference uses {@code j / H}, half a cell off; the centres match how our faces are
 * rendered, pixel {@code x} covering {@code [x, x + 1)}.) The uncertainty is {@code sqrt((var_x +
 * var_y) / 2)} of the normalised heatmap, in the same units.
 */
public final class Heatmaps {

    private static final double SUM_GUARD = 1e-4;

    private Heatmaps() {}

    /** Coordinates {@code (B, L, 2)} (x then y, in units of the image side) of {@code z}. */
    public static NDArray coordinates(NDArray z) {
        NDArray p = probabilities(z);
        NDArray[] grids = grids(z);
        try (NDArray cols = grids[0];
                NDArray rows = grids[1]) {
            NDArray x = p.mul(cols).sum(new int[] {2, 3});
            NDArray y = p.mul(rows).sum(new int[] {2, 3});
            return NDArrays.stack(new NDList(x, y), 2);
        }
    }

    /** Per heatmap the spread {@code (B, L)}, in units of the image side; no graph. */
    public static NDArray uncertainty(NDArray z) {
        try (NDManager scratch = z.getManager().newSubManager()) {
            NDArray zz = z.stopGradient();
            zz.attach(scratch);
            NDArray p = probabilities(zz);
            NDArray[] grids = grids(zz);
            NDArray mx = p.mul(grids[0]).sum(new int[] {2, 3}, true);
            NDArray my = p.mul(grids[1]).sum(new int[] {2, 3}, true);
            NDArray vx = p.mul(grids[0].sub(mx).square()).sum(new int[] {2, 3});
            NDArray vy = p.mul(grids[1].sub(my).square()).sum(new int[] {2, 3});
            NDArray out = vx.add(vy).div(2).sqrt();
            out.attach(z.getManager());
            return out;
        }
    }

    private static NDArray probabilities(NDArray z) {
        try (NDArray guard = Scalars.like(z, SUM_GUARD)) {
            return z.div(z.sum(new int[] {2, 3}, true).add(guard));
        }
    }

    /** Column and row centres, each {@code (1, 1, H, W)}, of z's type, on z's manager. */
    private static NDArray[] grids(NDArray z) {
        Shape s = z.getShape();
        long h = s.get(2);
        long w = s.get(3);
        NDManager m = z.getManager();
        NDArray cols =
                m.arange(0, (int) w, 1, z.getDataType())
                        .add(0.5)
                        .div(w)
                        .reshape(1, 1, 1, w)
                        .repeat(2, h);
        NDArray rows =
                m.arange(0, (int) h, 1, z.getDataType())
                        .add(0.5)
                        .div(h)
                        .reshape(1, 1, h, 1)
                        .repeat(3, w);
        return new NDArray[] {cols, rows};
    }
}

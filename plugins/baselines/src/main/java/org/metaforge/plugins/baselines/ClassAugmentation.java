package org.metaforge.plugins.baselines;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.metaforge.sdk.data.LabeledImages;

/**
 * New meta-training classes made from the training classes by rotation, the practice of the
 * few-shot literature on Omniglot (Santoro et al. 2016, Vinyals et al. 2016): an image turned by a
 * multiple of 90 degrees counts as a new class, so a meta-learner sees more classes than the split
 * gives it. Only meta-training uses them; meta-validation and meta-test images are never turned.
 */
public enum ClassAugmentation {
    /** The training classes as they are. */
    NONE(1),
    /** Each training class and its turns by 90, 180 and 270 degrees: four times the classes. */
    ROTATIONS(4);

    private final int factor;

    ClassAugmentation(int factor) {
        this.factor = factor;
    }

    /** How many classes each training class becomes. */
    public int factor() {
        return factor;
    }

    /**
     * The classes of {@link #apply}'s pool: class {@code c} turned {@code k} quarter turns is
     * {@code c + k * numClasses}, for {@code k} from 0 to {@code factor - 1}.
     */
    public List<Integer> classes(List<Integer> trainClasses, int numClasses) {
        List<Integer> out = new ArrayList<>(trainClasses.size() * factor);
        for (int k = 0; k < factor; k++) {
            for (int c : trainClasses) {
                out.add(c + k * numClasses);
            }
        }
        return out;
    }

    /**
     * The pool with every image also turned by each quarter turn, under the labels of {@link
     * #classes}; {@code pool} itself for {@link #NONE}.
     *
     * @throws IllegalArgumentException if the images are not square (a quarter turn would change
     *     their shape)
     */
    public LabeledImages apply(LabeledImages pool) {
        if (this == NONE) {
            return pool;
        }
        Shape shape = pool.sampleShape();
        int channels = (int) shape.get(0);
        int side = (int) shape.get(1);
        if (shape.get(2) != side) {
            throw new IllegalArgumentException(
                    "class-augmentation 'rotations' needs square images, got samples of shape "
                            + shape);
        }
        int per = (int) shape.size();
        int n = pool.size();
        float[] pixels = new float[n * factor * per];
        int[] labels = new int[n * factor];
        for (int i = 0; i < n; i++) {
            float[] image = pool.pixels(i);
            for (int k = 0; k < factor; k++) {
                int j = k * n + i;
                labels[j] = pool.label(i) + k * pool.numClasses();
                System.arraycopy(image, 0, pixels, j * per, per);
                image = quarterTurn(image, channels, side);
            }
        }
        return new LabeledImages(
                pool.name() + "+rotations",
                pixels,
                labels,
                shape,
                pool.numClasses() * factor,
                LabeledImages.fingerprintOf(pixels, labels, shape));
    }

    /** {@code image} (C, side, side) turned a quarter turn counter-clockwise. */
    static float[] quarterTurn(float[] image, int channels, int side) {
        float[] out = new float[image.length];
        int plane = side * side;
        for (int ch = 0; ch < channels; ch++) {
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    out[ch * plane + r * side + c] = image[ch * plane + c * side + side - 1 - r];
                }
            }
        }
        return out;
    }
}

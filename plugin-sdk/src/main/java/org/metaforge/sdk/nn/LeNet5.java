package org.metaforge.sdk.nn;

import ai.djl.ndarray.types.Shape;

/**
 * LeNet-5 for small images, in its modern form (ReLU, max pooling).
 *
 * <p>conv1 6@5x5 padding 2, [bn1,] relu, max-pool 2, conv2 16@5x5, [bn2,] relu, max-pool 2,
 * flatten, fc1 120, relu, fc2 84, relu, fc3 classes (logits). On {@code (1, 28, 28)} with ten
 * classes it has 61,706 parameters (61,750 with batch norm). A width multiplier scales the 6, 16,
 * 120 and 84 (rounded, at least 1): width 2 gives 12, 32, 240 and 168 and 244,362 parameters, a
 * teacher four times the size of the classic student whose pooling outputs have the same spatial
 * sizes.
 */
public final class LeNet5 {

    /** The classic input: one 28x28 grayscale channel. */
    public static final Shape MNIST_INPUT = new Shape(1, 28, 28);

    private LeNet5() {}

    /** LeNet-5 for 28x28 grayscale images. */
    public static Sequential create(int classes, boolean batchNorm) {
        return create(MNIST_INPUT, classes, batchNorm);
    }

    /**
     * LeNet-5 for samples of {@code inputShape} {@code (C, H, W)}; fc1's width follows from it.
     *
     * @param batchNorm whether a batch-norm layer follows each convolution
     */
    public static Sequential create(Shape inputShape, int classes, boolean batchNorm) {
        return create(inputShape, classes, batchNorm, 1);
    }

    /**
     * LeNet-5 with every hidden width (6, 16, 120, 84) multiplied by {@code width} and rounded.
     *
     * @throws IllegalArgumentException if {@code width} is not positive and finite
     */
    public static Sequential create(
            Shape inputShape, int classes, boolean batchNorm, double width) {
        if (!(width > 0) || Double.isInfinite(width)) {
            throw new IllegalArgumentException("LeNet-5 width must be positive, got " + width);
        }
        Sequential.Builder b = Sequential.builder(inputShape);
        b.add("conv1", Conv2d.of(scaled(6, width), 5).padding(2));
        if (batchNorm) {
            b.add("bn1", BatchNorm.of());
        }
        b.add(Activations.relu()).add(MaxPool2d.of(2));
        b.add("conv2", Conv2d.of(scaled(16, width), 5));
        if (batchNorm) {
            b.add("bn2", BatchNorm.of());
        }
        b.add(Activations.relu()).add(MaxPool2d.of(2)).add(Flatten.of());
        b.add("fc1", Linear.of(scaled(120, width))).add(Activations.relu());
        b.add("fc2", Linear.of(scaled(84, width))).add(Activations.relu());
        return b.add("fc3", Linear.of(classes)).build();
    }

    private static int scaled(int base, double width) {
        return Math.max(1, (int) Math.round(base * width));
    }
}

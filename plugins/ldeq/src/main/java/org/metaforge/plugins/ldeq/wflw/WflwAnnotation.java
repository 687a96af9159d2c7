package org.metaforge.plugins.ldeq.wflw;

import java.util.Arrays;

/**
 * One line of a WFLW annotation file: 98 landmarks, the face box, six attribute flags and the
 * image's path.
 *
 * @param landmarks 196 values, interleaved x, y, in image pixels
 * @param box {@code x_min, y_min, x_max, y_max} of the face rectangle
 * @param attributes the six WFLW flags
 * @param imagePath the image's path relative to the image root, as written in the file
 */
public record WflwAnnotation(
        double[] landmarks, double[] box, WflwAttributes attributes, String imagePath) {

    /** Number of landmark coordinates on a line. */
    public static final int COORDINATES = 196;

    /** Number of values on a line: coordinates, box, attributes and the path. */
    public static final int FIELDS = COORDINATES + 4 + 6 + 1;

    /** Checks the sizes and copies the arrays. */
    public WflwAnnotation {
        if (landmarks.length != COORDINATES || box.length != 4) {
            throw new IllegalArgumentException(
                    "a WFLW annotation needs 196 landmark coordinates and 4 box values, got "
                            + landmarks.length
                            + " and "
                            + box.length);
        }
        if (imagePath.isEmpty() || imagePath.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(
                    "a WFLW image path must be non-empty and free of whitespace, got '"
                            + imagePath
                            + "'");
        }
        landmarks = landmarks.clone();
        box = box.clone();
    }

    @Override
    public double[] landmarks() {
        return landmarks.clone();
    }

    @Override
    public double[] box() {
        return box.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WflwAnnotation a
                && Arrays.equals(landmarks, a.landmarks)
                && Arrays.equals(box, a.box)
                && attributes.equals(a.attributes)
                && imagePath.equals(a.imagePath);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(landmarks) + Arrays.hashCode(box))
                + 31 * attributes.hashCode()
                + imagePath.hashCode();
    }

    @Override
    public String toString() {
        return "WflwAnnotation[" + imagePath + ", " + attributes + "]";
    }
}

package org.metaforge.plugins.ldeq.model;

/**
 * The shape of a landmark DEQ: image and heatmap sizes, widths and the hourglass depth.
 *
 * @param channels image channels (1 grey, 3 RGB)
 * @param imageSize side of the square input image in pixels; four times {@code heatmapSize}
 * @param heatmapSize side of the square heatmaps (the stem divides the image by 4)
 * @param landmarks number of heatmaps, one per landmark
 * @param injectionWidth channels of the stem's output (the injection), divisible by 4
 * @param cellWidth channels of the hourglass's top level
 * @param widthIncrement channels added at each level down the hourglass
 * @param hourglassDepth levels of the hourglass; {@code heatmapSize} must be divisible by 2^depth
 * @param groups groups of every group-norm; divides every width
 * @param beta softargmax sharpness: heatmaps are {@code exp(beta (h - max h))}
 */
public record Architecture(
        int channels,
        int imageSize,
        int heatmapSize,
        int landmarks,
        int injectionWidth,
        int cellWidth,
        int widthIncrement,
        int hourglassDepth,
        int groups,
        double beta) {

    /** Checks that the sizes fit together; names every mismatch at once. */
    public Architecture {
        StringBuilder problems = new StringBuilder();
        if (imageSize != 4 * heatmapSize) {
            problems.append(
                            " image-size must be 4 x heatmap-size (the stem downsamples by 4), got ")
                    .append(imageSize)
                    .append(" and ")
                    .append(heatmapSize)
                    .append(';');
        }
        if (hourglassDepth < 1 || heatmapSize % (1 << hourglassDepth) != 0) {
            problems.append(" heatmap-size ")
                    .append(heatmapSize)
                    .append(" must be divisible by 2^hourglass-depth = 2^")
                    .append(hourglassDepth)
                    .append(';');
        }
        if (injectionWidth % 4 != 0 || injectionWidth < 4) {
            problems.append(" injection-width must be a positive multiple of 4, got ")
                    .append(injectionWidth)
                    .append(';');
        }
        for (int k = 0; k <= Math.max(hourglassDepth, 0); k++) {
            int w = cellWidth + k * widthIncrement;
            if (groups < 1 || w % groups != 0 || (injectionWidth / 4) % groups != 0) {
                problems.append(" groups ")
                        .append(groups)
                        .append(" must divide every width (cell widths ")
                        .append(cellWidth)
                        .append(" + k x ")
                        .append(widthIncrement)
                        .append(", injection-width / 4);");
                break;
            }
        }
        if (landmarks < 1 || channels < 1 || !(beta > 0)) {
            problems.append(" landmarks, channels and beta must be positive;");
        }
        if (problems.length() > 0) {
            throw new IllegalArgumentException("Invalid LDEQ architecture:" + problems);
        }
    }

    /** Channel width of hourglass level {@code k} (0 at the top). */
    int width(int k) {
        return cellWidth + k * widthIncrement;
    }
}

package org.metaforge.plugins.ldeq.face;

/**
 * The WFLW 98-point landmark mark-up: which index is which facial point.
 *
 * <p>"Left" and "right" are image directions (x grows to the right) on a frontal face. Landmark
 * arrays throughout this plugin are interleaved {@code [x0, y0, x1, y1, ...]} in continuous pixel
 * coordinates, where pixel {@code (i, j)} covers {@code [i, i+1) x [j, j+1)}.
 *
 * <ul>
 *   <li>0-32: face contour from the left temple over the chin (16) to the right temple;
 *   <li>33-41: left brow: 33 outer end, 34-37 upper edge towards the inner end, 38 inner end of the
 *       lower edge, 39-41 lower edge back towards the outer end;
 *   <li>42-50: right brow: 42 inner upper end, 43-46 upper edge to the outer end (46), 47-49 lower
 *       edge back towards the inner end, 50 inner lower end;
 *   <li>51-54: nose bridge from between the eyes to the tip; 55-59: lower nose, left to right;
 *   <li>60-67: left eye: 60 outer corner, 61-63 upper lid, 64 inner corner, 65-67 lower lid back
 *       towards 60; 68-75: right eye: 68 inner corner, 69-71 upper lid, 72 outer corner, 73-75
 *       lower lid back towards 68;
 *   <li>76-87: outer lips: 76 left corner, 77-81 upper lip, 82 right corner, 83-87 lower lip back
 *       to the left; 88-95: inner lips: 88 left corner, 89-91 upper, 92 right corner, 93-95 lower;
 *   <li>96, 97: left and right pupil.
 * </ul>
 *
 * <p>Sources: the mirror permutation in the LDEQ reference code ({@code polo5/LDEQ_RwR}, WFLW
 * dataset loader, taken there from HeatmapInHeatmap), its NME normalisation by landmarks 60 and 72,
 * and the usual 98-to-68 conversion (68-point eye 36-41 = WFLW 60, 61, 63, 64, 65, 67).
 */
public final class WflwLayout {

    /** Number of landmarks. */
    public static final int COUNT = 98;

    /** First and last contour landmark. */
    public static final int CONTOUR_FIRST = 0;

    /** Last contour landmark. */
    public static final int CONTOUR_LAST = 32;

    /** The chin, the middle of the contour. */
    public static final int CHIN = 16;

    /** Outer corner of the left eye (first inter-ocular normalisation point). */
    public static final int LEFT_EYE_OUTER = 60;

    /** Inner corner of the left eye. */
    public static final int LEFT_EYE_INNER = 64;

    /** Inner corner of the right eye. */
    public static final int RIGHT_EYE_INNER = 68;

    /** Outer corner of the right eye (second inter-ocular normalisation point). */
    public static final int RIGHT_EYE_OUTER = 72;

    /** Tip of the nose, the last bridge point. */
    public static final int NOSE_TIP = 54;

    /** Left and right mouth corners. */
    public static final int MOUTH_LEFT = 76;

    /** Right mouth corner. */
    public static final int MOUTH_RIGHT = 82;

    /** Left pupil. */
    public static final int LEFT_PUPIL = 96;

    /** Right pupil. */
    public static final int RIGHT_PUPIL = 97;

    private static final int[] MIRROR = {
        32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10,
        9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 46, 45, 44, 43, 42, 50, 49, 48, 47, 37, 36, 35, 34, 33, 41,
        40, 39, 38, 51, 52, 53, 54, 59, 58, 57, 56, 55, 72, 71, 70, 69, 68, 75, 74, 73, 64, 63, 62,
        61, 60, 67, 66, 65, 82, 81, 80, 79, 78, 77, 76, 87, 86, 85, 84, 83, 92, 91, 90, 89, 88, 95,
        94, 93, 97, 96
    };

    private WflwLayout() {}

    /** The landmark a horizontal flip of the image maps landmark {@code i} to. */
    public static int mirror(int i) {
        return MIRROR[i];
    }
}

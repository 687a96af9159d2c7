package org.metaforge.plugins.ldeq.wflw;

/**
 * The six WFLW attribute flags, in file order.
 *
 * @param largePose the face is turned far from frontal
 * @param expression the face shows an exaggerated expression
 * @param illumination the lighting is extreme
 * @param makeUp the face wears make-up
 * @param occlusion part of the face is hidden
 * @param blur the image is blurred
 */
public record WflwAttributes(
        boolean largePose,
        boolean expression,
        boolean illumination,
        boolean makeUp,
        boolean occlusion,
        boolean blur) {

    /** The flags as 0/1 in file order. */
    int[] toFlags() {
        return new int[] {
            bit(largePose),
            bit(expression),
            bit(illumination),
            bit(makeUp),
            bit(occlusion),
            bit(blur)
        };
    }

    /** The attributes of flags in file order. */
    static WflwAttributes fromFlags(int[] f) {
        return new WflwAttributes(f[0] == 1, f[1] == 1, f[2] == 1, f[3] == 1, f[4] == 1, f[5] == 1);
    }

    private static int bit(boolean b) {
        return b ? 1 : 0;
    }
}

package org.metaforge.plugins.ldeq.face;

import java.util.List;

/**
 * A synthetic face video: the frames of one face moving smoothly, with their ground truth.
 *
 * @param frames the frames in order
 * @param hard whether it was drawn from the hard subset (high ambiguity)
 */
public record FaceVideo(List<FaceImage> frames, boolean hard) {

    /** Copies the frames. */
    public FaceVideo {
        frames = List.copyOf(frames);
    }

    /** Ground-truth landmarks, frames x 196 (interleaved x, y per landmark). */
    public double[][] landmarks() {
        double[][] out = new double[frames.size()][];
        for (int t = 0; t < out.length; t++) {
            out[t] = frames.get(t).landmarks().clone();
        }
        return out;
    }
}

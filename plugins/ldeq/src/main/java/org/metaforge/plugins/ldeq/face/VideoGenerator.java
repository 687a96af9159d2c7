package org.metaforge.plugins.ldeq.face;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws synthetic face videos: one identity whose pose and expression follow a uniform cubic
 * B-spline through random keyframes (smooth, and inside the keyframes' ranges), with per-frame
 * ambiguity: occluders passing across the face, bursts of blur, and pixel noise.
 *
 * <p>The hard subset has more and larger occluders, more frequent and stronger blur bursts and more
 * noise. Deterministic per seed.
 */
public final class VideoGenerator {

    /** How much ambiguity a subset has. */
    private record Ambiguity(
            double occluderPassesPer48Frames,
            double minOccluder,
            double maxOccluder,
            double burstRate,
            double maxBurstBlur,
            double noise) {}

    private static final Ambiguity EASY = new Ambiguity(0.5, 0.2, 0.4, 0.02, 0.015, 0.01);
    private static final Ambiguity HARD = new Ambiguity(3, 0.35, 0.7, 0.12, 0.04, 0.04);

    private final FaceGenerator faces;
    private final VideoConfig config;

    /** A generator of videos with frames as {@code faceConfig} says and motion as {@code video}. */
    public VideoGenerator(FaceGeneratorConfig faceConfig, VideoConfig video) {
        this.faces = new FaceGenerator(faceConfig);
        this.config = video;
    }

    /** The video of {@code seed}, from the hard subset if {@code hard}. */
    public FaceVideo generate(long seed, boolean hard) {
        SplittableRandom r = new SplittableRandom(seed);
        Ambiguity a = hard ? HARD : EASY;
        FaceGeneratorConfig fc = faces.config();
        int n = config.frames();
        FaceShape shape = faces.randomShape(r);
        Degradation light = faces.randomDegradation(r, shape, faces.randomPose(r));
        FacePose[] poses = trajectory(r, n);
        List<Pass> passes = passes(r, shape, poses, a);
        double[] blur = bursts(r, n, a, Math.min(fc.width(), fc.height()));
        List<FaceImage> frames = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            List<Occluder> occluders = new ArrayList<>();
            for (Pass p : passes) {
                if (t >= p.start && t < p.start + p.length) {
                    double s = (t - p.start + 0.5) / p.length;
                    occluders.add(
                            p.occluder.movedTo(
                                    p.fromX + s * (p.toX - p.fromX),
                                    p.fromY + s * (p.toY - p.fromY)));
                }
            }
            Degradation d =
                    new Degradation(
                            light.gain(),
                            light.offset(),
                            light.gradientX(),
                            light.gradientY(),
                            occluders,
                            fc.blurKind(),
                            blur[t],
                            a.noise * (0.5 + r.nextDouble()),
                            r.nextLong());
            frames.add(
                    FaceRenderer.render(
                            shape, poses[t], d, fc.width(), fc.height(), fc.channels()));
        }
        return new FaceVideo(frames, hard);
    }

    /** {@code count} videos from the seeds {@code seed} splits into. */
    public List<FaceVideo> generate(long seed, int count, boolean hard) {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<FaceVideo> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(generate(seeds.nextLong(), hard));
        }
        return out;
    }

    /** Poses along a uniform cubic B-spline whose control points are random poses. */
    private FacePose[] trajectory(SplittableRandom r, int n) {
        int k = config.keyInterval();
        int segments = (n - 1) / k + 1;
        double[][] control = new double[segments + 3][];
        for (int j = 0; j < control.length; j++) {
            control[j] = faces.randomPose(r).toArray();
        }
        FacePose[] out = new FacePose[n];
        double[] p = new double[FacePose.SIZE];
        for (int t = 0; t < n; t++) {
            int j = t / k;
            double u = (t % k) / (double) k;
            // uniform cubic B-spline basis: non-negative weights summing to 1
            double b0 = (1 - u) * (1 - u) * (1 - u) / 6;
            double b1 = (3 * u * u * u - 6 * u * u + 4) / 6;
            double b2 = (-3 * u * u * u + 3 * u * u + 3 * u + 1) / 6;
            double b3 = u * u * u / 6;
            for (int i = 0; i < p.length; i++) {
                p[i] =
                        b0 * control[j][i]
                                + b1 * control[j + 1][i]
                                + b2 * control[j + 2][i]
                                + b3 * control[j + 3][i];
            }
            out[t] = FacePose.fromArray(p);
        }
        return out;
    }

    /** One occluder crossing the face in a straight line. */
    private record Pass(
            Occluder occluder,
            int start,
            int length,
            double fromX,
            double fromY,
            double toX,
            double toY) {}

    private List<Pass> passes(SplittableRandom r, FaceShape shape, FacePose[] poses, Ambiguity a) {
        int n = poses.length;
        double expected = a.occluderPassesPer48Frames * n / 48.0;
        int count = (int) Math.floor(expected) + (r.nextDouble() < expected % 1 ? 1 : 0);
        List<Pass> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = Math.min(n, 8 + r.nextInt(Math.max(1, n / 3)));
            int start = r.nextInt(n - length + 1);
            FacePose mid = poses[start + length / 2];
            Occluder o = faces.randomOccluder(r, shape, mid, a.minOccluder, a.maxOccluder);
            double angle = FaceGenerator.between(r, 0, 2 * Math.PI);
            double reach = 1.6 * mid.scale();
            double dx = reach * Math.cos(angle);
            double dy = reach * Math.sin(angle);
            out.add(
                    new Pass(
                            o,
                            start,
                            length,
                            o.centerX() - dx,
                            o.centerY() - dy,
                            o.centerX() + dx,
                            o.centerY() + dy));
        }
        return out;
    }

    /** Per-frame blur: bursts that rise and fall over 2 to 5 frames. */
    private static double[] bursts(SplittableRandom r, int n, Ambiguity a, int size) {
        double[] blur = new double[n];
        for (int t = 0; t < n; t++) {
            if (r.nextDouble() < a.burstRate) {
                int length = 2 + r.nextInt(4);
                double peak = FaceGenerator.between(r, 0.4, 1) * a.maxBurstBlur * size;
                for (int i = 0; i < length && t + i < n; i++) {
                    double shape = Math.sin(Math.PI * (i + 0.5) / length);
                    blur[t + i] = Math.max(blur[t + i], peak * shape);
                }
            }
        }
        return blur;
    }
}

package org.metaforge.plugins.ldeq.face;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws random synthetic faces: identity, pose, expression, lighting, occlusion, blur and noise.
 *
 * <p>Deterministic: the same configuration and seed give the same images, on any thread.
 */
public final class FaceGenerator {

    /** Landmark groups an occluder is aimed at: eyes, brows, nose, mouth, jaw sides. */
    private static final int[][] REGIONS = {
        {60, 75}, {33, 50}, {51, 59}, {76, 95}, {0, 10}, {22, 32}, {60, 67}, {68, 75}
    };

    private final FaceGeneratorConfig config;

    /** A generator drawing faces as {@code config} says. */
    public FaceGenerator(FaceGeneratorConfig config) {
        this.config = config;
    }

    /** The configuration. */
    public FaceGeneratorConfig config() {
        return config;
    }

    /** The face of {@code seed}. */
    public FaceImage generate(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        FaceShape shape = randomShape(rng);
        FacePose pose = randomPose(rng);
        Degradation degradation = randomDegradation(rng, shape, pose);
        return FaceRenderer.render(
                shape, pose, degradation, config.width(), config.height(), config.channels());
    }

    /** {@code count} faces, the i-th drawn from the i-th seed that {@code seed} splits into. */
    public List<FaceImage> generate(long seed, int count) {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<FaceImage> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(generate(seeds.nextLong()));
        }
        return out;
    }

    /** A random identity. */
    FaceShape randomShape(SplittableRandom r) {
        double[] skin = tint(between(r, 0.45, 0.85), 1.0, 0.82, 0.7);
        double[] background = backgroundFor(r, skin);
        return new FaceShape(
                between(r, 0.92, 1.08),
                between(r, 1.1, 1.3),
                between(r, 0.6, 1.0),
                between(r, 0.4, 0.47),
                between(r, 0.16, 0.21),
                between(r, 0.07, 0.1),
                between(r, 0.18, 0.28),
                between(r, 0.05, 0.08),
                between(r, 0.42, 0.55),
                between(r, 0.3, 0.38),
                between(r, 0.17, 0.24),
                between(r, 0.05, 0.08),
                skin,
                tint(between(r, 0.05, 0.3), 1.0, 0.85, 0.7),
                tint(between(r, 0.15, 0.5), between(r, 0.6, 1), between(r, 0.7, 1), 1),
                tint(skin[0] * between(r, 0.6, 0.8), 1.0, 0.55, 0.55),
                background);
    }

    /** A random pose and expression inside the configured ranges. */
    FacePose randomPose(SplittableRandom r) {
        int size = Math.min(config.width(), config.height());
        double shift = config.maxShift() * size;
        double e = config.expression();
        return new FacePose(
                config.width() / 2.0 + between(r, -shift, shift),
                config.height() / 2.0 + between(r, -shift, shift),
                between(r, config.minScale(), config.maxScale()) * size,
                Math.toRadians(between(r, -config.maxRollDegrees(), config.maxRollDegrees())),
                between(r, -config.maxYaw(), config.maxYaw()),
                e * Math.pow(r.nextDouble(), 2),
                e * Math.pow(r.nextDouble(), 2),
                e * 0.9 * Math.pow(r.nextDouble(), 3),
                between(r, -1, 1),
                between(r, -1, 1));
    }

    /** Random lighting, maybe an occluder over one facial region, maybe blur, and noise. */
    Degradation randomDegradation(SplittableRandom r, FaceShape shape, FacePose pose) {
        double l = config.lighting();
        List<Occluder> occluders = new ArrayList<>();
        if (r.nextDouble() < config.occlusionProbability()) {
            occluders.add(randomOccluder(r, shape, pose, 0.25, 0.55));
        }
        double blur = 0;
        if (r.nextDouble() < config.blurProbability()) {
            blur =
                    between(r, 0.25, 1)
                            * config.maxBlur()
                            * Math.min(config.width(), config.height());
        }
        return new Degradation(
                1 + l * between(r, -0.3, 0.2),
                l * between(r, -0.1, 0.1),
                l * between(r, -0.3, 0.3),
                l * between(r, -0.3, 0.3),
                occluders,
                config.blurKind(),
                blur,
                config.maxNoise() * r.nextDouble(),
                r.nextLong());
    }

    /**
     * An occluder centred on a random landmark of a random facial region, with half sizes between
     * {@code minSize} and {@code maxSize} face units.
     */
    Occluder randomOccluder(
            SplittableRandom r, FaceShape shape, FacePose pose, double minSize, double maxSize) {
        FaceGeometry g = new FaceGeometry(shape, pose);
        double[] lm = g.landmarks();
        int[] region = REGIONS[r.nextInt(REGIONS.length)];
        int at = region[0] + r.nextInt(region[1] - region[0] + 1);
        return new Occluder(
                r.nextBoolean(),
                lm[2 * at] + between(r, -0.1, 0.1) * pose.scale(),
                lm[2 * at + 1] + between(r, -0.1, 0.1) * pose.scale(),
                between(r, minSize, maxSize) * pose.scale(),
                between(r, minSize, maxSize) * pose.scale(),
                between(r, 0, Math.PI),
                new double[] {r.nextDouble(), r.nextDouble(), r.nextDouble()},
                between(r, 0.1, 0.4) * pose.scale());
    }

    /** A background at least 0.2 away from the skin's grey level, so the outline is visible. */
    private static double[] backgroundFor(SplittableRandom r, double[] skin) {
        double skinGrey = (skin[0] + skin[1] + skin[2]) / 3;
        double grey;
        do {
            grey = r.nextDouble();
        } while (Math.abs(grey - skinGrey) < 0.2);
        return tint(grey, between(r, 0.7, 1), between(r, 0.7, 1), between(r, 0.7, 1));
    }

    private static double[] tint(double level, double rw, double gw, double bw) {
        double max = Math.max(rw, Math.max(gw, bw));
        double[] c = {level * rw / max, level * gw / max, level * bw / max};
        double mean = (c[0] + c[1] + c[2]) / 3;
        // keep the grey level at `level` so grey and RGB faces have the same contrast
        for (int i = 0; i < 3; i++) {
            c[i] = Math.max(0, Math.min(1, c[i] + level - mean));
        }
        return c;
    }

    static double between(SplittableRandom r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }
}

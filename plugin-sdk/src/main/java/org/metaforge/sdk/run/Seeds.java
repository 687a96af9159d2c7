package org.metaforge.sdk.run;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * Splits one master seed into independent, named, reproducible seeds.
 *
 * <p>{@code derive("trial", 3)} always gives the same value for the same master seed, so a trial's
 * seed does not depend on how many trials ran before it.
 */
public final class Seeds {

    private final long master;

    /** Creates a splitter over {@code master}. */
    public Seeds(long master) {
        this.master = master;
    }

    /** The master seed. */
    public long master() {
        return master;
    }

    /** A seed for the purpose named by {@code label} and {@code index}. */
    public long derive(String label, long index) {
        long h = master * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < label.length(); i++) {
            h = mix(h ^ label.charAt(i));
        }
        return mix(h ^ mix(index + 0x632BE59BD9B4E019L));
    }

    /** A seed for the purpose named by {@code label}. */
    public long derive(String label) {
        return derive(label, 0);
    }

    /** A fresh random stream for the purpose named by {@code label} and {@code index}. */
    public Random random(String label, long index) {
        return new Random(derive(label, index));
    }

    /** A splittable stream, handy for parallel-safe sampling. */
    public SplittableRandom splittable(String label, long index) {
        return new SplittableRandom(derive(label, index));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

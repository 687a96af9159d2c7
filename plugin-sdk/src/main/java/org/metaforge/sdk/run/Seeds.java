package org.metaforge.sdk.run;

import java.util.Random;

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

    /** A uniformly random order of {@code 0..n-1} (Fisher-Yates), e.g. one epoch's batches. */
    public static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

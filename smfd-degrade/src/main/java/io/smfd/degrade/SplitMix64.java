package io.smfd.degrade;

/**
 * SplitMix64 generator with the exact draw primitives of the spec (training/degrade.py).
 *
 * <p>Not thread-safe; every sample/apply call creates its own instance.
 */
final class SplitMix64 {
    private static final double INV_2_53 = 0x1.0p-53;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long next() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    double uniform() {
        return (next() >>> 11) * INV_2_53;
    }

    /** Uniform integer in [lo, hi] (inclusive). */
    long randint(long lo, long hi) {
        long span = hi - lo;
        return lo + Math.min((long) (uniform() * (double) (span + 1)), span);
    }

    /** One of lo, lo+step, ..., hi. */
    double grid(double lo, double hi, double step) {
        long n = Range.levelCount(lo, hi, step);
        return lo + step * (double) randint(0, n - 1);
    }

    /** Standard normal by Box-Muller (two uniform draws). */
    double normal() {
        double u1 = uniform();
        double u2 = uniform();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    boolean bernoulli(double p) {
        return uniform() < p;
    }
}

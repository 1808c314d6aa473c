package io.smfd.degrade;

import java.util.Locale;

/**
 * An immutable discrete range of parameter values {@code lo, lo+step, ..., hi}, drawn uniformly.
 *
 * <p>A value is drawn as {@code lo + step * i} with {@code i} uniform in
 * {@code [0, levels()-1]} and {@code levels() = round((hi - lo) / step) + 1}, exactly as the
 * reference {@code grid(lo, hi, step)} of {@code training/degrade.py}. The number of levels is
 * what {@link DegradationPipeline#scenarioCount()} multiplies.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Range {
    /** Upper bound on the number of levels of one range (keeps draws and counts sane). */
    public static final long MAX_LEVELS = 1_000_000L;

    private final double lo;
    private final double hi;
    private final double step;
    private final long levels;

    private Range(double lo, double hi, double step) {
        this.lo = lo;
        this.hi = hi;
        this.step = step;
        this.levels = levelCount(lo, hi, step);
    }

    /**
     * The range {@code lo, lo+step, ..., hi}.
     *
     * @param lo   smallest value (finite)
     * @param hi   largest value (finite, {@code >= lo})
     * @param step spacing (finite, {@code > 0}); {@code (hi - lo) / step} must be an integer
     *             (within 1e-6)
     * @return the range
     * @throws IllegalArgumentException if the arguments violate the above or the range would have
     *                                  more than {@link #MAX_LEVELS} levels
     */
    public static Range of(double lo, double hi, double step) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || !Double.isFinite(step)) {
            throw new IllegalArgumentException(
                    "range bounds and step must be finite, got " + fmt(lo, hi, step));
        }
        if (hi < lo) {
            throw new IllegalArgumentException("range hi < lo: " + fmt(lo, hi, step));
        }
        if (!(step > 0.0)) {
            throw new IllegalArgumentException("range step must be > 0: " + fmt(lo, hi, step));
        }
        double q = (hi - lo) / step;
        if (q + 1.0 > MAX_LEVELS) {
            throw new IllegalArgumentException("range has more than " + MAX_LEVELS + " levels: "
                    + fmt(lo, hi, step));
        }
        if (Math.abs(q - Math.rint(q)) > 1e-6) {
            throw new IllegalArgumentException(
                    "(hi - lo) / step must be a whole number of steps: " + fmt(lo, hi, step));
        }
        return new Range(lo, hi, step);
    }

    /**
     * A range holding the single value {@code value}.
     *
     * @param value the value (finite)
     * @return the one-level range
     * @throws IllegalArgumentException if {@code value} is not finite
     */
    public static Range fixed(double value) {
        return of(value, value, 1.0);
    }

    static long levelCount(double lo, double hi, double step) {
        return (long) Math.rint((hi - lo) / step) + 1L;
    }

    /** @return the smallest value */
    public double lo() {
        return lo;
    }

    /** @return the largest value */
    public double hi() {
        return hi;
    }

    /** @return the spacing between values */
    public double step() {
        return step;
    }

    /** @return the number of distinct values, {@code round((hi - lo) / step) + 1} */
    public long levels() {
        return levels;
    }

    /**
     * @param index level index in {@code [0, levels())}
     * @return {@code lo + step * index}
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public double value(long index) {
        if (index < 0 || index >= levels) {
            throw new IndexOutOfBoundsException("level " + index + " of " + levels);
        }
        return lo + step * (double) index;
    }

    double draw(SplitMix64 rng) {
        return rng.grid(lo, hi, step);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Range)) {
            return false;
        }
        Range r = (Range) o;
        return Double.compare(lo, r.lo) == 0 && Double.compare(hi, r.hi) == 0
                && Double.compare(step, r.step) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(lo) * 961 + Double.hashCode(hi) * 31 + Double.hashCode(step);
    }

    @Override
    public String toString() {
        return fmt(lo, hi, step);
    }

    private static String fmt(double lo, double hi, double step) {
        return String.format(Locale.ROOT, "[%s..%s step %s]", lo, hi, step);
    }
}

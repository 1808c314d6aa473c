package io.smfd.degrade;

/**
 * The configurable parameter ranges of a {@link DegradationPipeline}, with their spec-v1 defaults
 * (the training distribution) and the bounds that {@link DegradationPipeline.Builder#build()}
 * enforces.
 *
 * <p>{@link #key()} is the name under which a drawn value appears in
 * {@link Degradation#parameters()} (the same names as in {@code training/degrade.py}).
 */
public enum Parameter {
    /** Trajectory kernel size in pixels (odd). Default 9..31 step 2; allowed odd 3..127. */
    TRAJECTORY_SIZE("size", BlurFamily.TRAJECTORY, Range.of(9, 31, 2), 3, 127, true),
    /** Trajectory path length as a fraction of {@code size - 1}. Default 0.5..1 step 0.05. */
    TRAJECTORY_LENGTH("length", BlurFamily.TRAJECTORY, Range.of(0.5, 1.0, 0.05), 0.01, 1.0, false),
    /** Initial direction of the trajectory, degrees. Default 0..359 step 1. */
    TRAJECTORY_ANGLE("angle", BlurFamily.TRAJECTORY, Range.of(0, 359, 1), -3600, 3600, false),
    /** Anxiety (strength of shakes and jerks). Default 0.005..0.1 step 0.005; allowed 0..1. */
    TRAJECTORY_ANXIETY("anxiety", BlurFamily.TRAJECTORY, Range.of(0.005, 0.1, 0.005), 0, 1, false),
    /** Impulsive-jerk probability factor. Default 0..0.2 step 0.02; allowed 0..1. */
    TRAJECTORY_IMPULSE("impulse", BlurFamily.TRAJECTORY, Range.of(0.0, 0.2, 0.02), 0, 1, false),
    /** Gaussian shake gain. Default 1..10 step 0.5; allowed 0..100. */
    TRAJECTORY_SHAKE("shake", BlurFamily.TRAJECTORY, Range.of(1.0, 10.0, 0.5), 0, 100, false),
    /** Centripetal pull towards the start. Default 0..0.7 step 0.05; allowed 0..10. */
    TRAJECTORY_CENTRIPETAL("centripetal", BlurFamily.TRAJECTORY, Range.of(0.0, 0.7, 0.05), 0, 10,
            false),
    /** Fraction of the trajectory seen during exposure. Default 0.5..1 step 0.05. */
    TRAJECTORY_EXPOSURE("exposure", BlurFamily.TRAJECTORY, Range.of(0.5, 1.0, 0.05), 0.01, 1.0,
            false),
    /** Linear motion length, pixels. Default 2..30 step 0.5; allowed 0.5..120. */
    LINEAR_LENGTH("length", BlurFamily.LINEAR, Range.of(2.0, 30.0, 0.5), 0.5, 120, false),
    /** Linear motion angle, degrees. Default 0..179 step 1. */
    LINEAR_ANGLE("angle", BlurFamily.LINEAR, Range.of(0, 179, 1), -3600, 3600, false),
    /** Gaussian standard deviation, pixels (both axes). Default 0.5..4 step 0.1; allowed 0.1..20. */
    GAUSSIAN_SIGMA("sigma", BlurFamily.GAUSSIAN, Range.of(0.5, 4.0, 0.1), 0.1, 20, false),
    /** Anisotropic Gaussian orientation, degrees. Default 0..179 step 1. */
    GAUSSIAN_THETA("theta", BlurFamily.GAUSSIAN, Range.of(0, 179, 1), -3600, 3600, false),
    /** Defocus disk radius, pixels. Default 1..8 step 0.25; allowed 0.5..60. */
    DEFOCUS_RADIUS("radius", BlurFamily.DEFOCUS, Range.of(1.0, 8.0, 0.25), 0.5, 60, false),
    /** Down-up scale factor. Default 0.5..0.9 step 0.05; allowed 0.05..1. */
    SCALE_FACTOR("scale", null, Range.of(0.5, 0.9, 0.05), 0.05, 1.0, false),
    /** Gaussian noise sigma in units of 1/255. Default 1..15 step 1; allowed 0..255. */
    GAUSSIAN_NOISE_SIGMA("noise_sigma", null, Range.of(1.0, 15.0, 1.0), 0, 255, false),
    /** Poisson noise peak (photons at white). Default 100..1000 step 50; allowed 1..1e6. */
    POISSON_NOISE_PEAK("noise_peak", null, Range.of(100.0, 1000.0, 50.0), 1, 1e6, false),
    /** JPEG quality. Default 40..95 step 1; allowed integers 1..100. */
    JPEG_QUALITY("jpeg_quality", null, Range.of(40, 95, 1), 1, 100, true);

    private final String key;
    private final BlurFamily family;
    private final Range defaultRange;
    private final double min;
    private final double max;
    private final boolean integral;

    Parameter(String key, BlurFamily family, Range defaultRange, double min, double max,
              boolean integral) {
        this.key = key;
        this.family = family;
        this.defaultRange = defaultRange;
        this.min = min;
        this.max = max;
        this.integral = integral;
    }

    /** @return the key of this parameter in {@link Degradation#parameters()} */
    public String key() {
        return key;
    }

    /** @return the blur family this parameter belongs to, or {@code null} for post-blur steps */
    public BlurFamily family() {
        return family;
    }

    /** @return the spec-v1 default range */
    public Range defaultRange() {
        return defaultRange;
    }

    /** @return the smallest allowed value */
    public double min() {
        return min;
    }

    /** @return the largest allowed value */
    public double max() {
        return max;
    }

    void validate(Range r) {
        if (r.lo() < min || r.hi() > max) {
            throw new IllegalArgumentException(name() + " range " + r + " outside allowed ["
                    + min + ", " + max + "]");
        }
        if (integral) {
            if (r.lo() != Math.rint(r.lo()) || (r.levels() > 1 && r.step() != Math.rint(r.step()))) {
                throw new IllegalArgumentException(name() + " range " + r
                        + " must have integer bounds and step");
            }
        }
        if (this == TRAJECTORY_SIZE) {
            if (((long) r.lo()) % 2 == 0 || (r.levels() > 1 && ((long) r.step()) % 2 != 0)) {
                throw new IllegalArgumentException(
                        "TRAJECTORY_SIZE range " + r + " must have an odd lo and an even step");
            }
        }
    }
}

package io.smfd;

import java.util.Locale;

/**
 * How blurred a face crop looks, from {@link Deblurrer#assess(FaceImage)}: a calibrated severity, an
 * estimated blur extent and the decision whether deblurring is worth it. Immutable and thread-safe.
 *
 * <p><b>Severity</b> is in [0, 1] and calibrated as a probability: the estimated chance that the bundled
 * SMFD-UNet raises this face's PSNR against its sharp original by at least 0.5 dB (fitted on training faces;
 * see {@code docs/assessment.md}). <b>Extent</b> estimates the radius of gyration of the blur kernel in pixels,
 * {@code sqrt(sum k(x,y) |(x,y) - centroid|^2)} for a kernel {@code k} summing to 1: 0 for a sharp face, about
 * {@code 1.41 sigma} for a Gaussian blur of standard deviation {@code sigma}, about {@code L / 3.46} for linear
 * motion over {@code L} pixels. It is the quantity the evaluation's strength buckets use, and a ranking more
 * than a measurement (errors of a pixel are common).
 *
 * <p>{@link #needsDeblurring()} is {@code severity >= }{@value #THRESHOLD}: more likely than not to gain
 * 0.5 dB. With {@link SharpFacePolicy#PASS_THROUGH} a deblurrer returns faces below the threshold unchanged.
 */
public final class BlurAssessment {

    /** Severity at and above which {@link #needsDeblurring()} is true: {@value}. */
    public static final double THRESHOLD = 0.5;

    private final double severity;
    private final double extentPixels;

    private BlurAssessment(double severity, double extentPixels) {
        this.severity = severity;
        this.extentPixels = extentPixels;
    }

    /**
     * Creates an assessment (for tests and for callers that assess faces themselves).
     *
     * @param severity     in [0, 1]
     * @param extentPixels estimated radius of gyration, finite and {@code >= 0}
     * @return the assessment
     * @throws IllegalArgumentException if a value is NaN, infinite or out of range
     */
    public static BlurAssessment of(double severity, double extentPixels) {
        if (!(severity >= 0.0 && severity <= 1.0)) {
            throw new IllegalArgumentException("severity must be within [0, 1], got " + severity);
        }
        if (!(extentPixels >= 0.0) || Double.isInfinite(extentPixels)) {
            throw new IllegalArgumentException("extentPixels must be finite and >= 0, got " + extentPixels);
        }
        return new BlurAssessment(severity + 0.0, extentPixels + 0.0);
    }

    /**
     * Returns the calibrated severity.
     *
     * @return the estimated probability, in [0, 1], that SMFD-UNet gains at least 0.5 dB PSNR on this face
     */
    public double severity() {
        return severity;
    }

    /**
     * Returns the estimated blur extent.
     *
     * @return the estimated radius of gyration of the blur kernel, in pixels, {@code >= 0}
     */
    public double extentPixels() {
        return extentPixels;
    }

    /**
     * Says whether deblurring this face is worth it.
     *
     * @return {@code severity() >= }{@value #THRESHOLD}
     */
    public boolean needsDeblurring() {
        return severity >= THRESHOLD;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlurAssessment
                && Double.compare(severity, ((BlurAssessment) o).severity) == 0
                && Double.compare(extentPixels, ((BlurAssessment) o).extentPixels) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(severity) + Double.hashCode(extentPixels);
    }

    /**
     * Returns e.g. {@code BlurAssessment[severity=0.93, extent=3.2 px, needsDeblurring=true]}.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "BlurAssessment[severity=%.2f, extent=%.1f px, needsDeblurring=%s]",
                severity, extentPixels, needsDeblurring());
    }
}

package io.smfd;

import java.util.Locale;

/**
 * How blurred a face crop looks, from {@link Deblurrer#assess(FaceImage)}: a calibrated severity, an
 * estimated blur extent, what kind of blur dominates, how noisy the face is, and the decision whether
 * deblurring is worth it. Immutable and thread-safe.
 *
 * <p><b>Severity</b> is in [0, 1]: how clearly the face shows blur, noise or compression that the model the
 * deblurrer runs removes, from the calibration that travels with the model (see
 * {@link ModelInfo#assessmentCalibration()} and {@code docs/assessment.md}). The bundled calibration fits it on
 * training faces (256 and 160 px whole faces, 112 px ArcFace-style crops) as the probability that a face is
 * degraded rather than sharp, shifted per crop size so that 0.5 passes 99.5% of the sharp training faces through;
 * the built-in fallback estimates the chance that the model gains at least 0.5 dB PSNR. It means that only for
 * aligned face crops within the calibrated blur range (kernels up to about {@value #MAX_EXTENT_PIXELS} px radius
 * of gyration); it is not a probability for other content. <b>Extent</b> estimates the radius of gyration of the blur kernel in pixels,
 * {@code sqrt(sum k(x,y) |(x,y) - centroid|^2)} for a kernel {@code k} summing to 1: 0 for a sharp face, about
 * {@code 1.41 sigma} for a Gaussian blur of standard deviation {@code sigma}, about {@code L / 3.46} for linear
 * motion over {@code L} pixels. It is the quantity the evaluation's strength buckets use, and a ranking more
 * than a measurement (errors of a pixel are common). It is capped at {@value #MAX_EXTENT_PIXELS}: a value there
 * means "at least that much", not a measurement.
 *
 * <p><b>Unmeasurable faces.</b> A crop whose central face area has no structure to measure blur on gets
 * {@link Kind#UNMEASURABLE}, severity 0 and extent 0, so that {@link SharpFacePolicy#PASS_THROUGH} returns it
 * unchanged (the network cannot recover detail that the estimator cannot see either): a flat or nearly flat
 * image (mean squared luma difference at 8 px below {@value #FEATURELESS_LEVEL} levels^2), structure that
 * does not rise above the noise (pure noise), or a crop smaller than {@value #MIN_MEASURABLE_SIZE} px on
 * a side. Use {@link SharpFacePolicy#DEBLUR} to run the network on such crops anyway.
 *
 * <p><b>Known limit of the bundled calibration:</b> visible sensor noise adds the fine detail a sharp face has, so
 * a blurred face that is also noisy (noise well above a few 8-bit levels, JPEG after it) can score as sharp and be
 * passed through; for noisy sources use {@link SharpFacePolicy#DEBLUR} (see {@code docs/assessment.md}).
 *
 * <p>{@link #needsDeblurring()} is {@code severity >= }{@value #THRESHOLD}. With {@link SharpFacePolicy#PASS_THROUGH} a deblurrer returns faces below the threshold unchanged.
 */
public final class BlurAssessment {

    /** Severity at and above which {@link #needsDeblurring()} is true: {@value}. */
    public static final double THRESHOLD = 0.5;
    /** The largest extent reported, pixels: {@value} (larger estimates are capped here). */
    public static final double MAX_EXTENT_PIXELS = 16.0;
    /** Smallest width and height, pixels, that the estimator measures: {@value}. */
    public static final int MIN_MEASURABLE_SIZE = 32;
    /** Mean squared luma difference (0..255 levels) at 8 px below which a crop is featureless: {@value}. */
    public static final double FEATURELESS_LEVEL = 4.0;
    /** Anisotropy at and above which a measurable face is {@link Kind#DIRECTIONAL}: {@value}. */
    public static final double DIRECTIONAL_ANISOTROPY = 0.35;

    /** What kind of blur dominates a face, as far as the estimator can tell. */
    public enum Kind {
        /**
         * About the same in every direction (Gaussian, defocus, a sharp face) or not known: also what
         * {@link BlurAssessment#of(double, double)} gives.
         */
        ISOTROPIC,
        /**
         * Stronger along one direction than across it: linear motion (and camera shake with an elongated path).
         * On training faces at 256 px (20 faces, one random angle each) most linear-motion faces reach it and about
         * one in ten sharp, Gaussian or defocused faces do; on 112 px crops it separates poorly (see
         * {@code docs/assessment.md}).
         */
        DIRECTIONAL,
        /** Nothing to measure blur on: flat, featureless, pure noise, or smaller than {@value BlurAssessment#MIN_MEASURABLE_SIZE} px. */
        UNMEASURABLE
    }

    private final double severity;
    private final double extentPixels;
    private final Kind kind;
    private final double anisotropy;
    private final double noiseSigma;

    private BlurAssessment(double severity, double extentPixels, Kind kind, double anisotropy, double noiseSigma) {
        this.severity = severity;
        this.extentPixels = extentPixels;
        this.kind = kind;
        this.anisotropy = anisotropy;
        this.noiseSigma = noiseSigma;
    }

    /**
     * Creates an assessment of kind {@link Kind#ISOTROPIC} with anisotropy and noise 0 (for tests and for
     * callers that assess faces themselves).
     *
     * @param severity     in [0, 1]
     * @param extentPixels estimated radius of gyration, finite, {@code >= 0} and {@code <= }{@value #MAX_EXTENT_PIXELS}
     * @return the assessment
     * @throws IllegalArgumentException if a value is NaN, infinite or out of range
     */
    public static BlurAssessment of(double severity, double extentPixels) {
        return of(severity, extentPixels, Kind.ISOTROPIC, 0.0, 0.0);
    }

    /**
     * Creates an assessment.
     *
     * @param severity     in [0, 1]
     * @param extentPixels estimated radius of gyration, {@code >= 0} and {@code <= }{@value #MAX_EXTENT_PIXELS}
     * @param kind         the dominant kind of blur
     * @param anisotropy   see {@link #anisotropy()}, finite and {@code >= 0}
     * @param noiseSigma   see {@link #noiseSigma()}, finite and {@code >= 0}
     * @return the assessment
     * @throws NullPointerException     if {@code kind} is null
     * @throws IllegalArgumentException if a value is NaN, infinite or out of range
     */
    public static BlurAssessment of(double severity, double extentPixels, Kind kind, double anisotropy,
                                    double noiseSigma) {
        if (!(severity >= 0.0 && severity <= 1.0)) {
            throw new IllegalArgumentException("severity must be within [0, 1], got " + severity);
        }
        if (!(extentPixels >= 0.0 && extentPixels <= MAX_EXTENT_PIXELS)) {
            throw new IllegalArgumentException("extentPixels must be within [0, " + MAX_EXTENT_PIXELS + "], got "
                    + extentPixels);
        }
        java.util.Objects.requireNonNull(kind, "kind");
        if (!(anisotropy >= 0.0) || Double.isInfinite(anisotropy)) {
            throw new IllegalArgumentException("anisotropy must be finite and >= 0, got " + anisotropy);
        }
        if (!(noiseSigma >= 0.0) || Double.isInfinite(noiseSigma)) {
            throw new IllegalArgumentException("noiseSigma must be finite and >= 0, got " + noiseSigma);
        }
        return new BlurAssessment(severity + 0.0, extentPixels + 0.0, kind, anisotropy + 0.0, noiseSigma + 0.0);
    }

    /**
     * Returns the calibrated severity.
     *
     * @return the severity in [0, 1] (see the class comment; {@value #THRESHOLD} and above: deblur); 0 for
     *         {@link Kind#UNMEASURABLE}
     */
    public double severity() {
        return severity;
    }

    /**
     * Returns the estimated blur extent.
     *
     * @return the estimated radius of gyration of the blur kernel, in pixels, in [0, {@value #MAX_EXTENT_PIXELS}];
     *         0 for {@link Kind#UNMEASURABLE}
     */
    public double extentPixels() {
        return extentPixels;
    }

    /**
     * Returns what kind of blur dominates.
     *
     * @return {@link Kind#DIRECTIONAL} when {@link #anisotropy()} is at least
     *         {@value io.smfd.BlurAssessment#DIRECTIONAL_ANISOTROPY}, {@link Kind#UNMEASURABLE} for crops without
     *         measurable structure, else {@link Kind#ISOTROPIC}
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns how directional the loss of detail is. Per direction {@code d} (0, 45, 90, 135 degrees) the
     * estimator takes {@code ln} of the noise-corrected luma structure function at a long lag (about 4 px per 128 px
     * of width) over that at 1 px, which blur along {@code d} raises; subtracts the mean value of sharp aligned
     * training faces (faces have more horizontal edges than vertical ones); and reports the spread, max - min.
     * Near 0.1-0.3 for sharp faces and isotropic blur (Gaussian, defocus); linear motion raises it (at 256 px
     * typically 0.45-0.7), less so on small crops. 0 for {@link Kind#UNMEASURABLE}.
     *
     * @return the anisotropy, {@code >= 0}
     */
    public double anisotropy() {
        return anisotropy;
    }

    /**
     * Returns the estimated standard deviation of the noise in the face, in 8-bit luma levels (0..255): the median
     * absolute finest diagonal wavelet detail over 0.6745 (Donoho's estimator). Fine texture and JPEG blocking
     * raise it slightly; blur applied after the noise lowers it.
     *
     * @return the noise estimate, {@code >= 0}
     */
    public double noiseSigma() {
        return noiseSigma;
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
        if (!(o instanceof BlurAssessment)) {
            return false;
        }
        BlurAssessment a = (BlurAssessment) o;
        return Double.compare(severity, a.severity) == 0 && Double.compare(extentPixels, a.extentPixels) == 0
                && kind == a.kind && Double.compare(anisotropy, a.anisotropy) == 0
                && Double.compare(noiseSigma, a.noiseSigma) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(severity, extentPixels, kind, anisotropy, noiseSigma);
    }

    /**
     * Returns e.g. {@code BlurAssessment[severity=0.93, extent=3.2 px, DIRECTIONAL, anisotropy=1.21, noise=2.0,
     * needsDeblurring=true]}.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "BlurAssessment[severity=%.2f, extent=%.1f px, %s, anisotropy=%.2f,"
                + " noise=%.1f, needsDeblurring=%s]", severity, extentPixels, kind, anisotropy, noiseSigma,
                needsDeblurring());
    }
}

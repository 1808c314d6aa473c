package io.smfd;

/**
 * Which model(s) a {@link Deblurrer} deblurs with, chosen with {@link Deblurrer.Builder#modelChoice(ModelChoice)}.
 * Whatever the choice, faces that do not need deblurring still pass through under
 * {@link SharpFacePolicy#PASS_THROUGH}, the blur assessment and its calibration are SMFD's, and the masks of
 * {@link Deblurrer#deblurWithMasks(FaceImage)} come from SMFD's mask generator.
 */
public enum ModelChoice {
    /** SMFD-UNet only (the default): every backend, no extra artifact. */
    SMFD,
    /**
     * MAXIM only, for every face that is deblurred. Needs {@code io.smfd:smfd-model-maxim} and a backend that
     * runs it ({@code onnx}).
     */
    MAXIM,
    /**
     * Per face, by the blur assessment: clean motion-dominated blur goes to MAXIM, everything else to SMFD. A face
     * goes to MAXIM when its {@link BlurAssessment#kind()} is not {@link BlurAssessment.Kind#UNMEASURABLE UNMEASURABLE},
     * its {@link BlurAssessment#noiseSigma()} is at most {@value #MAX_NOISE_SIGMA} (MAXIM turns visible sensor noise
     * into texture, where SMFD removes it) and its {@link BlurAssessment#anisotropy()} is at least the motion
     * threshold ({@link Deblurrer.Builder#autoMotionThreshold(double)}, default {@value #DEFAULT_MOTION_THRESHOLD})
     * scaled by {@code min(1, shorter side / 256)}, but not below {@value #MIN_MOTION_THRESHOLD} (or the threshold,
     * if lower): the same motion blur measures less anisotropic on a smaller crop, while Gaussian and defocus blur
     * stay low (the constants are read off training faces by {@code MaximRouting} in smfd-eval). Known limits:
     * on 112 px crops anisotropy separates motion from isotropic blur poorly, so some motion-blurred crops stay with
     * SMFD; noise that JPEG has smoothed does not show in {@code noiseSigma}. Measured: {@code docs/maxim.md}.
     * Needs what {@link #MAXIM} needs.
     */
    AUTO;

    /** Default anisotropy (at 256 px) from which {@link #AUTO} sends a face to MAXIM: {@value}. */
    public static final double DEFAULT_MOTION_THRESHOLD = 0.36;
    /** Floor of {@link #AUTO}'s size-scaled motion threshold: {@value}. */
    public static final double MIN_MOTION_THRESHOLD = 0.25;
    /** Largest noise estimate (8-bit luma levels) with which {@link #AUTO} sends a face to MAXIM: {@value}. */
    public static final double MAX_NOISE_SIGMA = 2.5;

    /**
     * Says whether this choice needs MAXIM.
     *
     * @return true for {@link #MAXIM} and {@link #AUTO}
     */
    public boolean usesMaxim() {
        return this != SMFD;
    }
}

package io.smfd;

/**
 * What a {@link Deblurrer} does with a face its {@link Deblurrer#assess(FaceImage) assessment} finds not worth
 * deblurring ({@link BlurAssessment#needsDeblurring()} false). Set with
 * {@link Deblurrer.Builder#sharpFaces(SharpFacePolicy)}; the default is {@link #PASS_THROUGH}.
 */
public enum SharpFacePolicy {
    /**
     * Return such a face unchanged, bit-exact (the very instance passed in), without running the network.
     * The default: the network alters sharp faces slightly and costs a full pass, while passing them through does
     * not lower the mean PSNR of a mixed set of sharp, mildly and strongly blurred faces (measured figures: the
     * README's generated do-no-harm and pass-through tables, and {@code docs/assessment.md}).
     */
    PASS_THROUGH,
    /** Run the network on every face, whatever its assessment. */
    DEBLUR
}

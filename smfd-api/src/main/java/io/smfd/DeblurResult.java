package io.smfd;

import java.util.Objects;

/**
 * The result of {@link Deblurrer#deblurWithMasks(FaceImage)}: the output image, the semantic masks the
 * model predicted for the input (both at the input size), the input's {@link BlurAssessment} and whether
 * the face was deblurred. Under {@link SharpFacePolicy#PASS_THROUGH} a face that does not
 * {@linkplain BlurAssessment#needsDeblurring() need deblurring} comes back unchanged ({@link #deblurred()}
 * false, {@link #image()} the input itself). Immutable and thread-safe.
 */
public final class DeblurResult {

    private final FaceImage image;
    private final FaceMasks masks;
    private final BlurAssessment assessment;
    private final boolean deblurred;

    /**
     * Creates a result.
     *
     * @param image      the output image: deblurred, or the input if {@code deblurred} is false
     * @param masks      the predicted masks, same size as {@code image}
     * @param assessment the assessment of the input
     * @param deblurred  whether {@code image} is the network's output
     * @throws NullPointerException     if an object argument is null
     * @throws IllegalArgumentException if the sizes differ
     */
    public DeblurResult(FaceImage image, FaceMasks masks, BlurAssessment assessment, boolean deblurred) {
        this.image = Objects.requireNonNull(image, "image");
        this.masks = Objects.requireNonNull(masks, "masks");
        this.assessment = Objects.requireNonNull(assessment, "assessment");
        this.deblurred = deblurred;
        if (image.width() != masks.width() || image.height() != masks.height()) {
            throw new IllegalArgumentException("image is " + image.width() + "x" + image.height()
                    + " but masks are " + masks.width() + "x" + masks.height());
        }
    }

    /**
     * Returns the output image.
     *
     * @return the deblurred image, or the input itself when {@link #deblurred()} is false
     */
    public FaceImage image() {
        return image;
    }

    /**
     * Returns the assessment of the input face.
     *
     * @return the assessment that decided whether to deblur
     */
    public BlurAssessment assessment() {
        return assessment;
    }

    /**
     * Says whether the network's output was returned.
     *
     * @return true if {@link #image()} is the network's output; false if the face was passed through
     *         unchanged ({@link SharpFacePolicy#PASS_THROUGH} and no need to deblur)
     */
    public boolean deblurred() {
        return deblurred;
    }

    /**
     * Returns the predicted semantic masks.
     *
     * @return the predicted masks
     */
    public FaceMasks masks() {
        return masks;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeblurResult)) {
            return false;
        }
        DeblurResult r = (DeblurResult) o;
        return deblurred == r.deblurred && image.equals(r.image) && masks.equals(r.masks)
                && assessment.equals(r.assessment);
    }

    @Override
    public int hashCode() {
        return ((31 * image.hashCode() + masks.hashCode()) * 31 + assessment.hashCode()) * 31 + Boolean.hashCode(deblurred);
    }

    @Override
    public String toString() {
        return "DeblurResult[" + image + ", " + masks + ", " + assessment + ", deblurred=" + deblurred + "]";
    }
}

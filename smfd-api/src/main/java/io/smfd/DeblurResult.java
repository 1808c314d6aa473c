package io.smfd;

import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one face: the result of {@link Deblurrer#deblurWithMasks(FaceImage)} and of
 * {@link Deblurrer#deblurAllWithResults(java.util.List)}. It carries the output image, the input's
 * {@link BlurAssessment} (the one that decided), whether the face was deblurred, and the semantic masks when the
 * network ran and masks were asked for (at the input size). Under {@link SharpFacePolicy#PASS_THROUGH} a face
 * that does not {@linkplain BlurAssessment#needsDeblurring() need deblurring} comes back unchanged
 * ({@link #deblurred()} false, {@link #image()} the input itself, bit-exact): the same rule, reported the same way,
 * for every call that can pass a face through. {@link #model()} names the network that produced the image
 * (SMFD or MAXIM, see {@link ModelChoice}). Immutable and thread-safe.
 */
public final class DeblurResult {

    private final FaceImage image;
    private final FaceMasks masks; // null = none
    private final BlurAssessment assessment;
    private final boolean deblurred;
    private final DeblurModel model; // null = passed through

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
        this(image, Optional.of(Objects.requireNonNull(masks, "masks")), assessment, deblurred);
    }

    /**
     * Creates a result, with or without masks.
     *
     * @param image      the output image: deblurred, or the input if {@code deblurred} is false
     * @param masks      the predicted masks, same size as {@code image}, or empty if none were computed
     * @param assessment the assessment of the input
     * @param deblurred  whether {@code image} is the network's output
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the sizes differ
     */
    public DeblurResult(FaceImage image, Optional<FaceMasks> masks, BlurAssessment assessment, boolean deblurred) {
        this(image, masks, assessment, deblurred ? Optional.of(DeblurModel.SMFD) : Optional.empty());
    }

    /**
     * Creates a result naming the model that produced the image.
     *
     * @param image      the output image: the model's output, or the input if {@code model} is empty
     * @param masks      the predicted masks, same size as {@code image}, or empty if none were computed
     * @param assessment the assessment of the input
     * @param model      the model whose output {@code image} is, or empty if the face was passed through
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the sizes differ
     */
    public DeblurResult(FaceImage image, Optional<FaceMasks> masks, BlurAssessment assessment,
                        Optional<DeblurModel> model) {
        this.image = Objects.requireNonNull(image, "image");
        this.masks = Objects.requireNonNull(masks, "masks").orElse(null);
        this.assessment = Objects.requireNonNull(assessment, "assessment");
        this.model = Objects.requireNonNull(model, "model").orElse(null);
        this.deblurred = this.model != null;
        if (this.masks != null && (image.width() != this.masks.width() || image.height() != this.masks.height())) {
            throw new IllegalArgumentException("image is " + image.width() + "x" + image.height()
                    + " but masks are " + this.masks.width() + "x" + this.masks.height());
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
     * Returns which network produced {@link #image()}.
     *
     * @return {@link DeblurModel#SMFD} or {@link DeblurModel#MAXIM}; empty when the face was passed through
     *         ({@link #deblurred()} false)
     */
    public Optional<DeblurModel> model() {
        return Optional.ofNullable(model);
    }

    /**
     * Returns the predicted semantic masks.
     *
     * @return the masks the network predicted for the input: always present from
     *         {@link Deblurrer#deblurWithMasks(FaceImage)}, empty from {@link Deblurrer#deblurAllWithResults}
     */
    public Optional<FaceMasks> masks() {
        return Optional.ofNullable(masks);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeblurResult)) {
            return false;
        }
        DeblurResult r = (DeblurResult) o;
        return deblurred == r.deblurred && model == r.model && image.equals(r.image) && Objects.equals(masks, r.masks)
                && assessment.equals(r.assessment);
    }

    @Override
    public int hashCode() {
        return ((31 * image.hashCode() + Objects.hashCode(masks)) * 31 + assessment.hashCode()) * 31 + Objects.hashCode(model);
    }

    @Override
    public String toString() {
        return "DeblurResult[" + image + ", " + (masks == null ? "no masks" : masks) + ", " + assessment + ", " + (model == null ? "passed through" : "deblurred by " + model) + "]";
    }
}

package io.smfd;

import java.util.Objects;

/**
 * The result of {@link Deblurrer#deblurWithMasks(FaceImage)}: the deblurred image and the
 * semantic masks the model predicted for it, both at the input size. Immutable and thread-safe.
 */
public final class DeblurResult {

    private final FaceImage image;
    private final FaceMasks masks;

    /**
     * Creates a result.
     *
     * @param image the deblurred image
     * @param masks the predicted masks, same size as {@code image}
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the sizes differ
     */
    public DeblurResult(FaceImage image, FaceMasks masks) {
        this.image = Objects.requireNonNull(image, "image");
        this.masks = Objects.requireNonNull(masks, "masks");
        if (image.width() != masks.width() || image.height() != masks.height()) {
            throw new IllegalArgumentException("image is " + image.width() + "x" + image.height()
                    + " but masks are " + masks.width() + "x" + masks.height());
        }
    }

    /**
     * Returns the deblurred image.
     *
     * @return the deblurred image
     */
    public FaceImage image() {
        return image;
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
        return o instanceof DeblurResult && image.equals(((DeblurResult) o).image)
                && masks.equals(((DeblurResult) o).masks);
    }

    @Override
    public int hashCode() {
        return 31 * image.hashCode() + masks.hashCode();
    }

    @Override
    public String toString() {
        return "DeblurResult[" + image + ", " + masks + "]";
    }
}

package io.smfd.spi;

import java.util.Objects;

/**
 * Raw network outputs for one batch: {@code image} as NCHW {@code [N,3,H,W]} and {@code masks} as
 * {@code [N,K,H,W]} softmax probabilities ({@code K = 0} and no masks for an image-only model such as MAXIM).
 *
 * <p>A transfer object on the hot path: the arrays are <em>not</em> copied. The backend hands them
 * over and must not touch them afterwards; {@link #image()} and {@link #masks()} return the same
 * arrays, which callers must treat as read-only.
 */
public final class ModelOutputs {

    private final float[] image;
    private final float[] masks;
    private final int batch;
    private final int classes;
    private final int height;
    private final int width;

    /**
     * Wraps outputs.
     *
     * @param image   {@code batch * 3 * height * width} values
     * @param masks   {@code batch * classes * height * width} values
     * @param batch   N, at least 1
     * @param classes K, at least 0 (0: an image-only model, {@code masks} empty)
     * @param height  H, at least 1
     * @param width   W, at least 1
     * @throws NullPointerException     if an array is null
     * @throws IllegalArgumentException if a dimension is below 1 or an array length does not match
     */
    public ModelOutputs(float[] image, float[] masks, int batch, int classes, int height, int width) {
        this.image = Objects.requireNonNull(image, "image");
        this.masks = Objects.requireNonNull(masks, "masks");
        if (batch < 1 || classes < 0 || height < 1 || width < 1) {
            throw new IllegalArgumentException("dimensions must be >= 1 (classes >= 0): batch=" + batch + ", classes=" + classes
                    + ", height=" + height + ", width=" + width);
        }
        long plane = (long) height * width;
        if (image.length != batch * 3L * plane) {
            throw new IllegalArgumentException("image has " + image.length + " values, expected [" + batch + ",3,"
                    + height + "," + width + "] = " + batch * 3L * plane);
        }
        if (masks.length != (long) batch * classes * plane) {
            throw new IllegalArgumentException("masks has " + masks.length + " values, expected [" + batch + ","
                    + classes + "," + height + "," + width + "] = " + (long) batch * classes * plane);
        }
        this.batch = batch;
        this.classes = classes;
        this.height = height;
        this.width = width;
    }

    /**
     * Returns the deblurred images, NCHW.
     *
     * @return the image array (not copied; read-only by convention)
     */
    public float[] image() {
        return image;
    }

    /**
     * Returns the mask probabilities, NKHW.
     *
     * @return the masks array (not copied; read-only by convention)
     */
    public float[] masks() {
        return masks;
    }

    /**
     * Returns the batch size N.
     *
     * @return N
     */
    public int batch() {
        return batch;
    }

    /**
     * Returns the number of mask classes K.
     *
     * @return K
     */
    public int classes() {
        return classes;
    }

    /**
     * Returns the height H.
     *
     * @return H
     */
    public int height() {
        return height;
    }

    /**
     * Returns the width W.
     *
     * @return W
     */
    public int width() {
        return width;
    }

    @Override
    public String toString() {
        return "ModelOutputs[N=" + batch + ", K=" + classes + ", H=" + height + ", W=" + width + "]";
    }
}

package io.smfd;

/**
 * An image argument is unusable: wrong array length, pixel values that are NaN, infinite or
 * outside [0, 1], or (subclass {@link UnsupportedImageSizeException}) a size outside
 * [{@value FaceImage#MIN_SIZE}, {@value FaceImage#MAX_SIZE}].
 */
public class InvalidImageException extends SmfdException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong with the image, including the offending index or value
     */
    public InvalidImageException(String message) {
        super(message);
    }
}

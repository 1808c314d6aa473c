package io.smfd;

import java.util.OptionalInt;

/**
 * An input face is unusable; the caller typically skips it and goes on with the next one.
 * Reasons: {@link SmfdException.Reason#INVALID_IMAGE} (wrong array length, pixel values that are NaN,
 * infinite or outside [0, 1]; the message names the offending index or value) and
 * {@link SmfdException.Reason#UNSUPPORTED_IMAGE_SIZE} (a width or height outside
 * [{@value FaceImage#MIN_SIZE}, {@value FaceImage#MAX_SIZE}], including 0 and negative sizes; the message states
 * the allowed range and the actual size, and {@link #width()} and {@link #height()} return it).
 */
public final class InvalidImageException extends SmfdException {
    private static final long serialVersionUID = 2L;

    /** The rejected width in pixels, or -1 (part of the serialized form). */
    private final int width;
    /** The rejected height in pixels, or -1 (part of the serialized form). */
    private final int height;

    /**
     * Creates an exception with reason {@link SmfdException.Reason#INVALID_IMAGE}.
     *
     * @param message what is wrong with the image, including the offending index or value
     */
    public InvalidImageException(String message) {
        super(Reason.INVALID_IMAGE, message, null);
        this.width = -1;
        this.height = -1;
    }

    private InvalidImageException(int width, int height) {
        super(Reason.UNSUPPORTED_IMAGE_SIZE, "Unsupported image size " + width + "x" + height
                + ": width and height must each be between " + FaceImage.MIN_SIZE + " and " + FaceImage.MAX_SIZE
                + " pixels; resize or crop the face to an aligned crop in that range (e.g. 256x256)", null);
        this.width = width;
        this.height = height;
    }

    /**
     * Creates an exception with reason {@link SmfdException.Reason#UNSUPPORTED_IMAGE_SIZE} for a rejected size.
     *
     * @param width  rejected width in pixels
     * @param height rejected height in pixels
     * @return the exception (not thrown)
     */
    public static InvalidImageException unsupportedSize(int width, int height) {
        return new InvalidImageException(width, height);
    }

    /**
     * Returns the rejected width.
     *
     * @return the width in pixels for {@link SmfdException.Reason#UNSUPPORTED_IMAGE_SIZE}, otherwise empty
     */
    public OptionalInt width() {
        return reason() == Reason.UNSUPPORTED_IMAGE_SIZE ? OptionalInt.of(width) : OptionalInt.empty();
    }

    /**
     * Returns the rejected height.
     *
     * @return the height in pixels for {@link SmfdException.Reason#UNSUPPORTED_IMAGE_SIZE}, otherwise empty
     */
    public OptionalInt height() {
        return reason() == Reason.UNSUPPORTED_IMAGE_SIZE ? OptionalInt.of(height) : OptionalInt.empty();
    }
}

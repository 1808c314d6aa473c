package io.smfd;

/**
 * The image width or height is outside the supported range
 * [{@value FaceImage#MIN_SIZE}, {@value FaceImage#MAX_SIZE}] pixels (this includes 0 and negative sizes).
 * The message states the allowed range and the actual size.
 */
public class UnsupportedImageSizeException extends InvalidImageException {
    private static final long serialVersionUID = 1L;

    /** The rejected width in pixels (part of the serialized form). */
    private final int width;
    /** The rejected height in pixels (part of the serialized form). */
    private final int height;

    /**
     * Creates an exception for the given rejected size.
     *
     * @param width  rejected width in pixels
     * @param height rejected height in pixels
     */
    public UnsupportedImageSizeException(int width, int height) {
        super("Unsupported image size " + width + "x" + height + ": width and height must each be between "
                + FaceImage.MIN_SIZE + " and " + FaceImage.MAX_SIZE
                + " pixels; resize or crop the face to an aligned crop in that range (e.g. 256x256)");
        this.width = width;
        this.height = height;
    }

    /**
     * Returns the rejected width.
     *
     * @return the rejected width in pixels
     */
    public int width() {
        return width;
    }

    /**
     * Returns the rejected height.
     *
     * @return the rejected height in pixels
     */
    public int height() {
        return height;
    }
}

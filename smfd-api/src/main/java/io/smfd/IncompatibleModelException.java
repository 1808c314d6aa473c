package io.smfd;

/**
 * The model is valid ONNX but not an SMFD-UNet model this SMFD version can run: missing or unsupported {@code smfd.format} metadata, wrong inputs/outputs, bad class list or size multiple.
 */
public class IncompatibleModelException extends ModelException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong with the model and how to fix it
     */
    public IncompatibleModelException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what is wrong with the model and how to fix it
     * @param cause   underlying failure, may be {@code null}
     */
    public IncompatibleModelException(String message, Throwable cause) {
        super(message, cause);
    }
}

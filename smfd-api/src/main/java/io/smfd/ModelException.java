package io.smfd;

/**
 * The model could not be used. Every backend throws this type (or a subclass) for model problems:
 * {@link ModelNotFoundException} (file or bundled-model jar missing),
 * {@link CorruptModelException} (unreadable, bad checksum, not a valid ONNX file),
 * {@link IncompatibleModelException} (valid ONNX, but not an SMFD-UNet model this version can run).
 */
public class ModelException extends SmfdException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong with the model and how to fix it
     */
    public ModelException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what is wrong with the model and how to fix it
     * @param cause   underlying failure, may be {@code null}
     */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}

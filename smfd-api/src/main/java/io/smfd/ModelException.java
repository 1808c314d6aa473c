package io.smfd;

/**
 * The model could not be used: a deployment problem that no retry fixes. Every backend throws this type for
 * model problems, with one of three reasons:
 * {@link SmfdException.Reason#MODEL_NOT_FOUND} (file or bundled-model jar missing),
 * {@link SmfdException.Reason#CORRUPT_MODEL} (unreadable, bad checksum, not a valid ONNX file),
 * {@link SmfdException.Reason#INCOMPATIBLE_MODEL} (valid ONNX, but not an SMFD-UNet model this version can run).
 */
public final class ModelException extends SmfdException {
    private static final long serialVersionUID = 2L;

    /**
     * Creates an exception.
     *
     * @param reason  {@link SmfdException.Reason#MODEL_NOT_FOUND}, {@link SmfdException.Reason#CORRUPT_MODEL} or
     *                {@link SmfdException.Reason#INCOMPATIBLE_MODEL}
     * @param message what is wrong with the model and how to fix it
     * @throws IllegalArgumentException if {@code reason} is not a model reason
     */
    public ModelException(Reason reason, String message) {
        super(reason, message, null);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param reason  {@link SmfdException.Reason#MODEL_NOT_FOUND}, {@link SmfdException.Reason#CORRUPT_MODEL} or
     *                {@link SmfdException.Reason#INCOMPATIBLE_MODEL}
     * @param message what is wrong with the model and how to fix it
     * @param cause   underlying failure, may be {@code null}
     * @throws IllegalArgumentException if {@code reason} is not a model reason
     */
    public ModelException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}

package io.smfd;

/**
 * The model exists but cannot be read or parsed: I/O error, SHA-256 mismatch, truncated or invalid ONNX.
 */
public class CorruptModelException extends ModelException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong with the model and how to fix it
     */
    public CorruptModelException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what is wrong with the model and how to fix it
     * @param cause   underlying failure, may be {@code null}
     */
    public CorruptModelException(String message, Throwable cause) {
        super(message, cause);
    }
}

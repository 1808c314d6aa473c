package io.smfd;

/**
 * The model is missing: the file does not exist, or the bundled model (artifact {@code io.smfd:smfd-model}) is not on the class path or module path.
 */
public class ModelNotFoundException extends ModelException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what is wrong with the model and how to fix it
     */
    public ModelNotFoundException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what is wrong with the model and how to fix it
     * @param cause   underlying failure, may be {@code null}
     */
    public ModelNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}

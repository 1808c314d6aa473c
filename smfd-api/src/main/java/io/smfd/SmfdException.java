package io.smfd;

/**
 * Base class of every exception thrown by SMFD. All SMFD exceptions are unchecked.
 *
 * <p>Subclasses: {@link InvalidImageException} (and {@link UnsupportedImageSizeException}),
 * {@link ModelException} (and its subclasses), {@link BackendUnavailableException},
 * {@link InferenceException}. Messages are written to say what to do next.
 * Null arguments are reported with {@link NullPointerException} naming the parameter instead.
 */
public class SmfdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message actionable description of the problem
     */
    public SmfdException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message actionable description of the problem
     * @param cause   underlying failure, may be {@code null}
     */
    public SmfdException(String message, Throwable cause) {
        super(message, cause);
    }
}

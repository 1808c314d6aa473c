package io.smfd;

/**
 * The backend failed while running the network (e.g. native runtime error, out of memory on
 * the device, non-finite output). The input image was valid.
 */
public class InferenceException extends SmfdException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed
     */
    public InferenceException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what failed
     * @param cause   underlying failure, may be {@code null}
     */
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}

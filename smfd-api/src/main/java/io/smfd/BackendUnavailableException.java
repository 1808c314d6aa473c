package io.smfd;

/**
 * No inference backend can be used: none is on the class path, the requested one is missing,
 * or the requested/available ones report themselves unavailable (e.g. "CUDA driver not found").
 * The message lists every provider found with its availability reason, or, when none was found,
 * which artifact to add ({@code io.smfd:smfd-runtime-onnx} or {@code io.smfd:smfd-runtime-cpu}).
 */
public class BackendUnavailableException extends SmfdException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message which backend is unavailable, why, and what to add or change
     */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message which backend is unavailable, why, and what to add or change
     * @param cause   underlying failure, may be {@code null}
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

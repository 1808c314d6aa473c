package io.smfd;

/**
 * No inference backend can be used (reason {@link SmfdException.Reason#BACKEND_UNAVAILABLE}): none is on the
 * class path, the requested one is missing, or the requested/available ones report themselves unavailable
 * (e.g. "CUDA driver not found"); the caller may pick another backend or device.
 * The message lists every provider found with its availability reason, or, when none was found,
 * which artifact to add ({@code io.smfd:smfd-runtime-onnx} or {@code io.smfd:smfd-runtime-cpu}).
 */
public final class BackendUnavailableException extends SmfdException {
    private static final long serialVersionUID = 2L;

    /**
     * Creates an exception.
     *
     * @param message which backend is unavailable, why, and what to add or change
     */
    public BackendUnavailableException(String message) {
        super(Reason.BACKEND_UNAVAILABLE, message, null);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message which backend is unavailable, why, and what to add or change
     * @param cause   underlying failure, may be {@code null}
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(Reason.BACKEND_UNAVAILABLE, message, cause);
    }
}

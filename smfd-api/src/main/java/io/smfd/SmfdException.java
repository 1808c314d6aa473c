package io.smfd;

import java.util.Objects;

/**
 * Base class of every exception thrown by SMFD. All SMFD exceptions are unchecked, and each carries a
 * {@link Reason} that says what went wrong.
 *
 * <p>The hierarchy is closed: catch a subclass when the caller reacts differently to that kind of failure,
 * otherwise catch {@code SmfdException} and switch on {@link #reason()}.
 * <ul>
 *   <li>{@link InvalidImageException}: one input face is unusable; skip it and go on
 *       ({@link Reason#INVALID_IMAGE}, {@link Reason#UNSUPPORTED_IMAGE_SIZE}).</li>
 *   <li>{@link ModelException}: the model is missing, corrupt or incompatible; a deployment problem
 *       ({@link Reason#MODEL_NOT_FOUND}, {@link Reason#CORRUPT_MODEL}, {@link Reason#INCOMPATIBLE_MODEL}).</li>
 *   <li>{@link BackendUnavailableException}: the backend cannot run here; pick another backend or device
 *       ({@link Reason#BACKEND_UNAVAILABLE}).</li>
 *   <li>{@code SmfdException} itself: {@link Reason#INFERENCE_FAILED} (the backend failed on valid input) and
 *       {@link Reason#CLOSED} (the {@link Deblurrer} was used after {@link Deblurrer#close()}).</li>
 * </ul>
 * Messages are written to say what to do next. Null arguments are reported with {@link NullPointerException}
 * naming the parameter instead.
 */
public sealed class SmfdException extends RuntimeException
        permits InvalidImageException, ModelException, BackendUnavailableException {
    private static final long serialVersionUID = 2L;

    /** What went wrong; each reason belongs to exactly one exception class. */
    public enum Reason {
        /** An image argument is unusable: wrong array length, NaN, infinite or out-of-range values ({@link InvalidImageException}). */
        INVALID_IMAGE(InvalidImageException.class),
        /** The image width or height is outside [{@value FaceImage#MIN_SIZE}, {@value FaceImage#MAX_SIZE}] ({@link InvalidImageException}). */
        UNSUPPORTED_IMAGE_SIZE(InvalidImageException.class),
        /** The model file does not exist, or the bundled model ({@code io.smfd:smfd-model}) is absent ({@link ModelException}). */
        MODEL_NOT_FOUND(ModelException.class),
        /** The model exists but cannot be read or parsed: I/O error, SHA-256 mismatch, truncated or invalid ONNX ({@link ModelException}). */
        CORRUPT_MODEL(ModelException.class),
        /** The model is valid ONNX but not an SMFD-UNet model this version can run ({@link ModelException}). */
        INCOMPATIBLE_MODEL(ModelException.class),
        /** No backend, or not the requested one, can run here ({@link BackendUnavailableException}). */
        BACKEND_UNAVAILABLE(BackendUnavailableException.class),
        /** The backend failed while running the network on valid input: native error, device out of memory, NaN output. */
        INFERENCE_FAILED(SmfdException.class),
        /** The {@link Deblurrer} was called after {@link Deblurrer#close()}. */
        CLOSED(SmfdException.class);

        private final Class<? extends SmfdException> type;

        Reason(Class<? extends SmfdException> type) {
            this.type = type;
        }

        /**
         * Returns the exception class that carries this reason.
         *
         * @return {@code SmfdException.class} or one of its three subclasses
         */
        public Class<? extends SmfdException> exceptionType() {
            return type;
        }
    }

    /** Why this exception was thrown (part of the serialized form). */
    private final Reason reason;

    /**
     * Creates an exception for a reason that has no subclass of its own ({@link Reason#INFERENCE_FAILED},
     * {@link Reason#CLOSED}).
     *
     * @param reason  why
     * @param message actionable description of the problem
     * @throws NullPointerException     if {@code reason} is null
     * @throws IllegalArgumentException if {@code reason} belongs to a subclass (use that subclass)
     */
    public SmfdException(Reason reason, String message) {
        this(reason, message, null);
    }

    /**
     * Creates an exception with a cause, for a reason that has no subclass of its own
     * ({@link Reason#INFERENCE_FAILED}, {@link Reason#CLOSED}).
     *
     * @param reason  why
     * @param message actionable description of the problem
     * @param cause   underlying failure, may be {@code null}
     * @throws NullPointerException     if {@code reason} is null
     * @throws IllegalArgumentException if {@code reason} belongs to a subclass (use that subclass)
     */
    public SmfdException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        if (reason.exceptionType() != getClass()) {
            throw new IllegalArgumentException("reason " + reason + " is carried by "
                    + reason.exceptionType().getSimpleName() + ", not " + getClass().getSimpleName());
        }
    }

    /**
     * Returns why this exception was thrown.
     *
     * @return the reason, never null
     */
    public Reason reason() {
        return reason;
    }
}

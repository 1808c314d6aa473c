package io.smfd.spi;

import java.util.Objects;

/**
 * Whether a backend can run here, and why (not). Returned by
 * {@link DeblurBackendProvider#probe(BackendConfig)}; the reason is shown to users in logs,
 * {@code BackendUnavailableException} messages and {@code Deblurrer.backends()}.
 * Immutable and thread-safe.
 */
public final class Availability {

    private final boolean available;
    private final String reason;

    private Availability(boolean available, String reason) {
        this.available = available;
        this.reason = reason;
    }

    /**
     * The backend can run.
     *
     * @param detail what it will run on, e.g. {@code "ONNX Runtime 1.23.2, CPU"}
     * @return an available result
     * @throws NullPointerException if {@code detail} is null
     */
    public static Availability available(String detail) {
        return new Availability(true, Objects.requireNonNull(detail, "detail"));
    }

    /**
     * The backend cannot run.
     *
     * @param reason actionable reason, e.g. {@code "CUDA driver not found (libcuda.so.1)"}
     * @return an unavailable result
     * @throws NullPointerException if {@code reason} is null
     */
    public static Availability unavailable(String reason) {
        return new Availability(false, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Returns whether the backend can run.
     *
     * @return whether the backend can run
     */
    public boolean available() {
        return available;
    }

    /**
     * Returns the detail (when available) or the reason it is unavailable.
     *
     * @return the detail or reason, never null
     */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Availability && available == ((Availability) o).available
                && reason.equals(((Availability) o).reason);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(available) * 31 + reason.hashCode();
    }

    /**
     * Returns {@code "available (detail)"} or {@code "unavailable: reason"}.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return available ? "available (" + reason + ")" : "unavailable: " + reason;
    }
}

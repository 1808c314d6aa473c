package io.smfd;

import java.util.Objects;

/**
 * Diagnostic view of one backend provider found on the class path or module path, as returned by
 * {@link Deblurrer#backends()}. Immutable and thread-safe.
 */
public final class BackendStatus {

    private final String name;
    private final int priority;
    private final boolean available;
    private final String reason;

    /**
     * Creates a status.
     *
     * @param name      backend name (for a provider that failed to load, a description of it)
     * @param priority  provider priority
     * @param available whether it can run
     * @param reason    detail when available, reason when not
     * @throws NullPointerException if {@code name} or {@code reason} is null
     */
    public BackendStatus(String name, int priority, boolean available, String reason) {
        this.name = Objects.requireNonNull(name, "name");
        this.priority = priority;
        this.available = available;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns the backend name.
     *
     * @return the name to pass to {@link Deblurrer.Builder#backend(String)}
     */
    public String name() {
        return name;
    }

    /**
     * Returns the priority.
     *
     * @return the priority (higher wins in automatic selection)
     */
    public int priority() {
        return priority;
    }

    /**
     * Returns whether the backend can run.
     *
     * @return whether the backend can run with the default configuration
     */
    public boolean available() {
        return available;
    }

    /**
     * Returns the detail (available) or reason (unavailable).
     *
     * @return detail or reason, never null
     */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BackendStatus)) {
            return false;
        }
        BackendStatus s = (BackendStatus) o;
        return name.equals(s.name) && priority == s.priority && available == s.available && reason.equals(s.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, priority, available, reason);
    }

    /**
     * Returns e.g. {@code "onnx (priority 200): available (ONNX Runtime 1.23.2, CPU)"}.
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
        return name + " (priority " + priority + "): " + (available ? "available (" + reason + ")" : "unavailable: " + reason);
    }
}

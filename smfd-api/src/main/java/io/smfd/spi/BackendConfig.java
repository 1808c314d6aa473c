package io.smfd.spi;

import io.smfd.Device;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the user asked for when building a {@code Deblurrer}: device, CPU thread count and model.
 * Immutable and thread-safe.
 */
public final class BackendConfig {

    private static final Logger LOG = LoggerFactory.getLogger(BackendConfig.class);

    private final Device device;
    private final int threads;
    private final ModelSource model;

    private BackendConfig(Device device, int threads, ModelSource model) {
        this.device = device;
        this.threads = threads;
        this.model = model;
    }

    /**
     * Creates a configuration.
     *
     * @param device  requested device; {@link Device#AUTO} lets the backend choose
     * @param threads intra-op CPU threads, at least 1; more than {@code Runtime.availableProcessors()} are capped
     *                at that number, with one WARN log line (more threads than processors only slow a backend
     *                down: ONNX Runtime with 1000 threads took 117 s for a face that takes 0.94 s with 2)
     * @param model   where to read the model from
     * @return a configuration
     * @throws NullPointerException     if {@code device} or {@code model} is null
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static BackendConfig of(Device device, int threads, ModelSource model) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(model, "model");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        int cpus = Math.max(1, Runtime.getRuntime().availableProcessors());
        if (threads > cpus) {
            LOG.warn("SMFD: {} threads requested but only {} processors are available; using {}", threads, cpus, cpus);
            threads = cpus;
        }
        return new BackendConfig(device, threads, model);
    }

    /**
     * The default configuration: {@link Device#AUTO}, {@link #defaultThreads()} threads, the bundled model.
     *
     * @return the default configuration
     */
    public static BackendConfig defaults() {
        return of(Device.AUTO, defaultThreads(), ModelSource.bundled());
    }

    /**
     * The default thread count: {@code min(availableProcessors, 4)}.
     *
     * @return the default number of intra-op CPU threads
     */
    public static int defaultThreads() {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 4));
    }

    /**
     * Returns the requested device.
     *
     * @return the requested device ({@link Device#AUTO} means the backend chooses)
     */
    public Device device() {
        return device;
    }

    /**
     * Returns the number of intra-op CPU threads a backend should use.
     *
     * @return at least 1, at most the available processors when the configuration was made
     */
    public int threads() {
        return threads;
    }

    /**
     * Returns where to read the model from.
     *
     * @return the model source
     */
    public ModelSource model() {
        return model;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BackendConfig)) {
            return false;
        }
        BackendConfig c = (BackendConfig) o;
        return device == c.device && threads == c.threads && model.equals(c.model);
    }

    @Override
    public int hashCode() {
        return Objects.hash(device, threads, model);
    }

    @Override
    public String toString() {
        return "BackendConfig[device=" + device + ", threads=" + threads + ", model=" + model.description() + "]";
    }
}

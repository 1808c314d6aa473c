package io.smfd.spi;

import io.smfd.DeblurModel;

/**
 * Plugs an inference backend into SMFD. Found with {@link java.util.ServiceLoader}; register it with
 * {@code provides io.smfd.spi.DeblurBackendProvider with your.Provider;} in {@code module-info.java}
 * and in {@code META-INF/services/io.smfd.spi.DeblurBackendProvider}.
 *
 * <p>Implementations need a public no-argument constructor, must be thread-safe, and should do no
 * expensive work before {@link #probe} or {@link #create}: merely loading the provider must not fail
 * because native libraries are missing (report that from {@link #probe} instead).
 * SMFD isolates providers: one that fails to load or whose probe throws is reported as unavailable
 * and does not hide the others.
 */
public interface DeblurBackendProvider {

    /**
     * Returns the backend name that users select with {@code Deblurrer.builder().backend(name)} or
     * {@code -Dsmfd.backend=name}.
     *
     * @return a short, lower-case, stable name, e.g. {@code "onnx"} or {@code "cpu"}
     */
    String name();

    /**
     * Returns the priority used when no backend is named: the highest-priority available backend wins.
     *
     * @return the priority; {@code onnx} uses 200, {@code cpu} 100
     */
    int priority();

    /**
     * Checks cheaply whether this backend can run with this configuration (libraries, drivers,
     * requested device) without loading the model. Should not throw; exceptions are treated as
     * "unavailable" with the exception as the reason.
     *
     * @param config the requested configuration
     * @return availability with a detail or an actionable reason, e.g. {@code "CUDA driver not found"}
     */
    Availability probe(BackendConfig config);

    /**
     * Says whether this backend can run a model. smfd-api calls {@link #create(BackendConfig)} with a
     * {@link BackendConfig#model()} of {@link ModelSource#model()} {@code model} only if this returns true. The
     * default runs {@link DeblurModel#SMFD} only; the {@code onnx} backend also runs {@link DeblurModel#MAXIM}, an
     * image-only model (see {@link ModelSource}).
     *
     * @param model the model
     * @return whether {@link #create(BackendConfig)} can load it
     */
    default boolean runs(DeblurModel model) {
        return model == DeblurModel.SMFD;
    }

    /**
     * Loads the model and creates a backend.
     *
     * @param config the requested configuration
     * @return a ready backend, owned (and closed) by the caller
     * @throws io.smfd.ModelException              if the model is missing, corrupt or incompatible
     * @throws io.smfd.BackendUnavailableException if the backend cannot start (e.g. device init failed)
     */
    InferenceBackend create(BackendConfig config);
}

package io.smfd.runtime.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one {@link OrtEnvironment} of this JVM, created lazily (loading the native library) and never
 * closed: ONNX Runtime's environment is a process-wide singleton shared by every session.
 * A failure to load the native library is remembered and reported instead of retried.
 */
final class OrtRuntime {

    private static volatile OrtEnvironment env;
    private static volatile Throwable loadFailure;

    private OrtRuntime() {
    }

    /**
     * Returns the shared environment, loading ONNX Runtime on first use.
     *
     * @return the environment
     * @throws IllegalStateException if the native library cannot be loaded (cause attached)
     */
    static OrtEnvironment environment() {
        OrtEnvironment e = env;
        if (e != null) {
            return e;
        }
        synchronized (OrtRuntime.class) {
            if (env != null) {
                return env;
            }
            if (loadFailure != null) {
                throw new IllegalStateException(describeFailure(loadFailure), loadFailure);
            }
            try {
                env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "smfd");
                return env;
            } catch (RuntimeException | LinkageError t) {
                loadFailure = t;
                throw new IllegalStateException(describeFailure(t), t);
            }
        }
    }

    /**
     * Returns the execution providers compiled into the ONNX Runtime on the class path
     * ({@code [CPU]} for {@code onnxruntime}, {@code [CPU, CUDA, TENSOR_RT]} for {@code onnxruntime_gpu} on Linux).
     *
     * @return the providers
     */
    static Set<OrtProvider> availableProviders() {
        environment(); // make sure the native library is loaded
        EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
        return providers.isEmpty() ? EnumSet.noneOf(OrtProvider.class) : EnumSet.copyOf(providers);
    }

    /**
     * Returns the ONNX Runtime version, e.g. {@code 1.23.2}.
     *
     * @return the version, or {@code "unknown"}
     */
    static String version() {
        try {
            return environment().getVersion();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static String describeFailure(Throwable t) {
        return "ONNX Runtime native library cannot be loaded on " + System.getProperty("os.name") + "/"
                + System.getProperty("os.arch") + " (" + t + "). Use a platform ONNX Runtime supports"
                + " (linux-x64, linux-aarch64, osx-aarch64, win-x64) or the pure-Java backend io.smfd:smfd-runtime-cpu";
    }
}

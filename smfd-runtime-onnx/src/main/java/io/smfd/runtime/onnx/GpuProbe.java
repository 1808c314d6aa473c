package io.smfd.runtime.onnx;

import ai.onnxruntime.OrtProvider;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.ptr.IntByReference;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks whether ONNX Runtime can run on an NVIDIA GPU here, cheaply and without risking the JVM:
 * <ol>
 *   <li>the ONNX Runtime on the class path has the CUDA execution provider (only {@code onnxruntime_gpu} does);</li>
 *   <li>the CUDA driver library loads ({@code libcuda.so.1} on Linux, {@code nvcuda.dll} on Windows), via JNA;</li>
 *   <li>{@code cuInit(0)} succeeds and {@code cuDeviceGetCount} reports at least one device.</li>
 * </ol>
 * The first failing step is the reason. The system probe is computed once per JVM.
 * Whether the CUDA/cuDNN user-space libraries ONNX Runtime needs are present is only known when the
 * session is created; that failure is reported then.
 */
final class GpuProbe {

    /** Result of a probe. */
    static final class Result {
        private final boolean available;
        private final boolean tensorRt;
        private final String detail;

        Result(boolean available, boolean tensorRt, String detail) {
            this.available = available;
            this.tensorRt = tensorRt;
            this.detail = Objects.requireNonNull(detail, "detail");
        }

        /** Whether CUDA can be tried. */
        boolean available() {
            return available;
        }

        /** Whether the TensorRT execution provider is compiled in (tried before CUDA). */
        boolean tensorRt() {
            return tensorRt;
        }

        /** What was found (available) or why the GPU cannot be used (unavailable). */
        String detail() {
            return detail;
        }

        @Override
        public String toString() {
            return (available ? "GPU available: " : "GPU unavailable: ") + detail;
        }
    }

    /** Probe of this machine and class path. */
    static final GpuProbe SYSTEM = new GpuProbe(OrtRuntime::availableProviders, GpuProbe::checkCudaDriver);

    private final Supplier<Set<OrtProvider>> providers;
    private final Supplier<String> driverCheck;
    private volatile Result cached;

    /**
     * Creates a probe.
     *
     * @param providers   execution providers compiled into the ONNX Runtime on the class path
     * @param driverCheck returns {@code null} if a CUDA driver and device are present, else the reason
     */
    GpuProbe(Supplier<Set<OrtProvider>> providers, Supplier<String> driverCheck) {
        this.providers = providers;
        this.driverCheck = driverCheck;
    }

    /**
     * Runs the probe once and caches the result.
     *
     * @return the result; never throws
     */
    Result probe() {
        Result r = cached;
        if (r == null) {
            synchronized (this) {
                r = cached;
                if (r == null) {
                    r = compute();
                    cached = r;
                }
            }
        }
        return r;
    }

    private Result compute() {
        Set<OrtProvider> ps;
        try {
            ps = providers.get();
        } catch (RuntimeException | LinkageError e) {
            return new Result(false, false, "ONNX Runtime cannot be loaded: " + e.getMessage());
        }
        if (!ps.contains(OrtProvider.CUDA)) {
            return new Result(false, false, "onnxruntime_gpu not on classpath: ORT providers = " + ps
                    + " (replace com.microsoft.onnxruntime:onnxruntime with onnxruntime_gpu, see docs/backends.md)");
        }
        String driverProblem;
        try {
            driverProblem = driverCheck.get();
        } catch (RuntimeException | LinkageError e) {
            driverProblem = "CUDA driver check failed: " + e;
        }
        if (driverProblem != null) {
            return new Result(false, false, driverProblem);
        }
        boolean trt = ps.contains(OrtProvider.TENSOR_RT);
        return new Result(true, trt, "ORT providers = " + ps + ", CUDA driver and device present"
                + (trt ? ", TensorRT EP first" : ""));
    }

    /**
     * Loads the CUDA driver with JNA and asks it for devices.
     *
     * @return {@code null} when usable, otherwise the reason
     */
    static String checkCudaDriver() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String lib;
        if (os.contains("linux")) {
            lib = "libcuda.so.1";
        } else if (os.contains("windows")) {
            lib = "nvcuda";
        } else {
            return "CUDA is not supported on " + System.getProperty("os.name");
        }
        NativeLibrary cuda;
        try {
            cuda = NativeLibrary.getInstance(lib);
        } catch (UnsatisfiedLinkError e) {
            return "CUDA driver " + lib + " not found (install the NVIDIA driver; in containers run with the"
                    + " NVIDIA container toolkit, e.g. --gpus all)";
        } catch (LinkageError e) {
            return "cannot check the CUDA driver " + lib + ": JNA unavailable (" + e + ")";
        }
        try {
            Function cuInit = cuda.getFunction("cuInit");
            int rc = cuInit.invokeInt(new Object[] {0});
            if (rc != 0) {
                return "CUDA driver " + lib + " found but cuInit failed with CUresult " + rc
                        + (rc == 100 ? " (CUDA_ERROR_NO_DEVICE: no NVIDIA GPU visible)" : "");
            }
            IntByReference count = new IntByReference();
            rc = cuda.getFunction("cuDeviceGetCount").invokeInt(new Object[] {count});
            if (rc != 0 || count.getValue() < 1) {
                return "CUDA driver " + lib + " found but reports no GPU (cuDeviceGetCount rc=" + rc + ", count="
                        + count.getValue() + ")";
            }
            return null;
        } catch (UnsatisfiedLinkError e) {
            return "CUDA driver " + lib + " found but is unusable (" + e.getMessage() + ")";
        }
    }
}

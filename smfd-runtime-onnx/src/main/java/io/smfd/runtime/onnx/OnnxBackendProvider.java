package io.smfd.runtime.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.smfd.BackendUnavailableException;
import io.smfd.DeblurModel;
import io.smfd.Device;
import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import io.smfd.spi.Availability;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.DeblurBackendProvider;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelSource;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMFD backend {@code "onnx"} (priority 200): runs SMFD-UNet with ONNX Runtime on the CPU, or on an NVIDIA
 * GPU (TensorRT/CUDA execution providers) when {@code onnxruntime_gpu} replaces {@code onnxruntime}.
 *
 * <p>Device handling, never silently falling back:
 * <ul>
 *   <li>{@link Device#CPU}: CPU execution provider.</li>
 *   <li>{@link Device#GPU}: TensorRT (if compiled in and it starts) then CUDA, with CPU fallback disabled
 *       ({@code session.disable_cpu_ep_fallback=1}); if the GPU probe fails, {@link #probe} is unavailable
 *       and {@link #create} throws {@link BackendUnavailableException} with the reason.</li>
 *   <li>{@link Device#AUTO}: GPU when fully available and it starts, otherwise CPU; the choice and the
 *       reason are logged once per JVM.</li>
 * </ul>
 * Loading this class loads no native code; {@link #probe} and {@link #create} do.
 */
public final class OnnxBackendProvider implements DeblurBackendProvider {

    /** The backend name. */
    public static final String NAME = "onnx";
    /** The backend priority. */
    public static final int PRIORITY = 200;
    /**
     * System property: {@code false} stops ONNX Runtime's intra-op worker threads from spin-waiting between
     * work items (ORT config {@code session.intra_op.allow_spinning=0}). Spinning (the ORT default, kept here)
     * lowers latency on idle cores but wastes CPU when the machine is oversubscribed.
     */
    public static final String SPINNING_PROPERTY = "smfd.onnx.spinning";

    private static final Logger LOG = LoggerFactory.getLogger(OnnxBackendProvider.class);
    private static final AtomicBoolean AUTO_LOGGED = new AtomicBoolean();
    private static final AtomicBoolean TENSORRT_LOGGED = new AtomicBoolean();

    private final GpuProbe gpu;

    /** Creates the provider (used by {@link java.util.ServiceLoader}). */
    public OnnxBackendProvider() {
        this(null);
    }

    /** Test hook: a provider with a custom GPU probe ({@code null} = this machine). */
    OnnxBackendProvider(GpuProbe gpu) {
        this.gpu = gpu;
    }

    private GpuProbe gpu() {
        return gpu != null ? gpu : GpuProbe.SYSTEM;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Availability probe(BackendConfig config) {
        String ort;
        try {
            OrtRuntime.environment();
            ort = "ONNX Runtime " + OrtRuntime.version();
        } catch (RuntimeException e) {
            return Availability.unavailable(e.getMessage());
        }
        switch (config.device()) {
            case CPU:
                return Availability.available(ort + ", CPU");
            case GPU: {
                GpuProbe.Result g = gpu().probe();
                return g.available() ? Availability.available(ort + ", GPU (" + g.detail() + ")")
                        : Availability.unavailable("GPU requested but unavailable: " + g.detail());
            }
            default: {
                GpuProbe.Result g = gpu().probe();
                return Availability.available(ort + (g.available() ? ", auto: GPU (" + g.detail() + ")"
                        : ", auto: CPU (" + g.detail() + ")"));
            }
        }
    }

    /** The error for a model of 0 bytes; its hint depends on where the model came from. */
    static ModelException emptyModel(ModelSource source) {
        return new ModelException(Reason.CORRUPT_MODEL, "The " + source.description() + " is empty (0 bytes). "
                + (source.isBundled()
                        ? "The io.smfd:smfd-model artifact on the class path is damaged: rebuild or re-download it,"
                        + " or pass an SMFD-UNet .onnx file with model(...)."
                        : "Pass a complete SMFD-UNet .onnx file, or omit model(...) to use the bundled model"
                        + " (io.smfd:smfd-model)."));
    }

    /** Runs SMFD and MAXIM (see {@link MaximOnnxBackend}). */
    @Override
    public boolean runs(DeblurModel model) {
        return model == DeblurModel.SMFD || model == DeblurModel.MAXIM;
    }

    @Override
    public InferenceBackend create(BackendConfig config) {
        OrtEnvironment env;
        try {
            env = OrtRuntime.environment();
        } catch (RuntimeException e) {
            throw new BackendUnavailableException("SMFD backend 'onnx' cannot start: " + e.getMessage(), e);
        }
        if (config.model().model() == DeblurModel.MAXIM) {
            return createMaxim(env, config);
        }
        // Read first: model problems are reported the same way whatever the device.
        byte[] model = config.model().readBytes();
        String description = config.model().description();
        if (model.length == 0) {
            throw emptyModel(config.model());
        }
        Device requested = config.device();
        if (requested == Device.CPU) {
            return open(env, model, description, config.threads(), Device.CPU, null);
        }
        GpuProbe.Result g = gpu().probe();
        if (requested == Device.GPU) {
            if (!g.available()) {
                throw new BackendUnavailableException("SMFD backend 'onnx': GPU requested but unavailable: "
                        + g.detail() + ". Use device(Device.CPU) or Device.AUTO to run on the CPU.");
            }
            return open(env, model, description, config.threads(), Device.GPU, g);
        }
        // AUTO
        if (g.available()) {
            try {
                InferenceBackend b = open(env, model, description, config.threads(), Device.GPU, g);
                logAutoOnce("SMFD backend 'onnx': device AUTO -> GPU ({})", g.detail());
                return b;
            } catch (BackendUnavailableException e) {
                logAutoOnce("SMFD backend 'onnx': device AUTO -> CPU (GPU probe passed but the GPU session failed:"
                        + " {})", e.getMessage());
                return open(env, model, description, config.threads(), Device.CPU, null);
            }
        }
        InferenceBackend b = open(env, model, description, config.threads(), Device.CPU, null);
        logAutoOnce("SMFD backend 'onnx': device AUTO -> CPU ({})", g.detail());
        return b;
    }

    /** Version reported for MAXIM: that of the npm package its ONNX file is converted from. */
    static final String MAXIM_VERSION = "0.1.0";

    /**
     * MAXIM: its sessions (one per padded size) open lazily; on the device the SMFD session would use (GPU when
     * requested, or under AUTO when the probe passes; else the CPU).
     */
    private InferenceBackend createMaxim(OrtEnvironment env, BackendConfig config) {
        byte[] model = config.model().readBytes();
        if (model.length == 0) {
            throw new ModelException(Reason.CORRUPT_MODEL, "The " + config.model().description() + " is empty (0"
                    + " bytes): rebuild or re-download io.smfd:smfd-model-maxim.");
        }
        Device device = Device.CPU;
        GpuProbe.Result g = null;
        if (config.device() != Device.CPU) {
            g = gpu().probe();
            if (g.available()) {
                device = Device.GPU;
            } else if (config.device() == Device.GPU) {
                throw new BackendUnavailableException("SMFD backend 'onnx': GPU requested but unavailable: "
                        + g.detail() + ". Use device(Device.CPU) or Device.AUTO to run on the CPU.");
            }
        }
        Device d = device;
        GpuProbe.Result gpuResult = g;
        int threads = config.threads();
        return new MaximOnnxBackend(env, model, config.model().description(), device, MAXIM_VERSION, () -> {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            try {
                configure(options, threads, d, gpuResult);
                return options;
            } catch (OrtException | RuntimeException e) {
                options.close();
                throw e;
            }
        });
    }

    /** The session options both models share: threads, sequential execution, full graph optimisation, GPU. */
    private static void configure(OrtSession.SessionOptions options, int threads, Device device, GpuProbe.Result gpu)
            throws OrtException {
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if ("false".equalsIgnoreCase(System.getProperty(SPINNING_PROPERTY, "").trim())) {
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
        }
        if (device == Device.GPU) {
            addGpuProviders(options, gpu);
        }
    }

    private static void logAutoOnce(String format, String arg) {
        if (AUTO_LOGGED.compareAndSet(false, true)) {
            LOG.info(format, arg);
        } else {
            LOG.debug(format, arg);
        }
    }

    /** Test hook: lets the next AUTO decision be logged again. */
    static void resetAutoLog() {
        AUTO_LOGGED.set(false);
    }

    private static InferenceBackend open(OrtEnvironment env, byte[] model, String description, int threads,
                                         Device device, GpuProbe.Result gpu) {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            configure(options, threads, device, gpu);
            try {
                session = env.createSession(model, options);
            } catch (OrtException e) {
                throw loadFailure(e, description, device);
            }
            ModelMetadata info = ModelValidator.validate(session, description);
            OnnxInferenceBackend backend = new OnnxInferenceBackend(env, session, options, info, device, description,
                    threads, () -> openLane(env, model));
            LOG.debug("Loaded {} with ONNX Runtime {} on {} ({} intra-op threads): {}", description,
                    OrtRuntime.version(), device, threads, info);
            return backend;
        } catch (OrtException e) {
            closeQuietly(session, options);
            throw new ModelException(Reason.CORRUPT_MODEL, "ONNX Runtime cannot describe the " + description + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeQuietly(session, options);
            throw e;
        }
    }

    /**
     * A CPU session with one intra-op thread, otherwise as {@link #open} configures it (the model already loaded
     * once, so failures here are resource problems).
     */
    private static OnnxInferenceBackend.Lane openLane(OrtEnvironment env, byte[] model) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return new OnnxInferenceBackend.Lane(env.createSession(model, options), options);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private static void addGpuProviders(OrtSession.SessionOptions options, GpuProbe.Result gpu) {
        if (gpu.tensorRt()) {
            try {
                options.addTensorrt(0);
            } catch (OrtException | RuntimeException e) {
                // Still a GPU: CUDA below. TensorRT libraries are optional.
                if (TENSORRT_LOGGED.compareAndSet(false, true)) {
                    LOG.info("SMFD backend 'onnx': TensorRT execution provider unavailable ({}); using CUDA",
                            e.getMessage());
                }
            }
        }
        try {
            options.addCUDA(0);
            // Fail instead of running unsupported nodes on the CPU behind the user's back.
            options.addConfigEntry("session.disable_cpu_ep_fallback", "1");
        } catch (OrtException | RuntimeException e) {
            throw new BackendUnavailableException("SMFD backend 'onnx': GPU requested but the CUDA execution provider"
                    + " cannot start: " + e.getMessage() + ". Check the CUDA 12 and cuDNN 9 libraries required by"
                    + " onnxruntime_gpu, or use Device.CPU.", e);
        }
    }

    private static RuntimeException loadFailure(OrtException e, String description, Device device) {
        OrtException.OrtErrorCode code = e.getCode();
        String msg = e.getMessage();
        if (code == OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF || code == OrtException.OrtErrorCode.ORT_NO_MODEL
                || code == OrtException.OrtErrorCode.ORT_NO_SUCHFILE) {
            return new ModelException(Reason.CORRUPT_MODEL, "The " + description + " is not a valid ONNX file (truncated, corrupt or"
                    + " another format): " + msg + ". Re-download or re-export it, or use the bundled model.", e);
        }
        if (code == OrtException.OrtErrorCode.ORT_INVALID_GRAPH || code == OrtException.OrtErrorCode.ORT_NOT_IMPLEMENTED) {
            return new ModelException(Reason.INCOMPATIBLE_MODEL, "The " + description + " is ONNX but cannot be run by ONNX Runtime "
                    + OrtRuntime.version() + ": " + msg + ". Use a model exported by training/export.py (opset 17).", e);
        }
        if (device == Device.GPU) {
            // The bytes parsed as a runnable graph on the CPU path; on the GPU path anything else is the device.
            return new BackendUnavailableException("SMFD backend 'onnx': GPU requested but the session cannot run on"
                    + " the GPU: " + msg + " (CPU fallback is disabled for explicit GPU requests; use Device.CPU or"
                    + " Device.AUTO).", e);
        }
        return new ModelException(Reason.CORRUPT_MODEL, "ONNX Runtime cannot load the " + description + " (" + code + "): " + msg
                + ". Check that the file is a complete SMFD-UNet ONNX export.", e);
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException | RuntimeException e) {
                LOG.debug("closing a failed session", e);
            }
        }
        options.close();
    }
}

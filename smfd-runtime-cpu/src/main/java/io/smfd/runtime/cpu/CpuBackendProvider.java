package io.smfd.runtime.cpu;

import io.smfd.BackendUnavailableException;
import io.smfd.Device;
import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import io.smfd.spi.Availability;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.DeblurBackendProvider;
import io.smfd.spi.InferenceBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backend {@code "cpu"} (priority 100): pure-Java inference of the SMFD-UNet ONNX model, for JVMs where ONNX
 * Runtime cannot load (restricted containers, unsupported OS/CPU) or is not wanted. Needs no native code and no
 * protobuf library: the model is read by its own bounds-checked parser, which accepts only the operators
 * SMFD-UNet uses. Runs on the CPU only; {@link Device#GPU} is reported unavailable.
 *
 * <p>Kernels: {@code jdk.incubator.vector} on Java 21+ when {@code --add-modules jdk.incubator.vector} is given,
 * scalar otherwise or with {@code -Dsmfd.cpu.vector=false} (chosen once, logged once).
 */
public final class CpuBackendProvider implements DeblurBackendProvider {

    /** Backend name. */
    public static final String NAME = "cpu";
    /** Priority: below the ONNX Runtime backend (200). */
    public static final int PRIORITY = 100;

    private static final Logger LOG = LoggerFactory.getLogger(CpuBackendProvider.class);

    /** Creates the provider (cheap: nothing is loaded until {@link #create}). */
    public CpuBackendProvider() {
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
        if (config.device() == Device.GPU) {
            return Availability.unavailable("the cpu backend runs on the CPU only; use the 'onnx' backend with"
                    + " io.smfd:smfd-runtime-onnx and onnxruntime_gpu for GPU inference, or request Device.CPU/AUTO");
        }
        // preview(): what would be chosen, without loading or logging the kernels (see KernelSelector)
        return Availability.available("pure Java, " + KernelSelector.preview() + ", " + config.threads()
                + " thread(s)");
    }

    @Override
    public InferenceBackend create(BackendConfig config) {
        Availability a = probe(config);
        if (!a.available()) {
            throw new BackendUnavailableException("Backend 'cpu' is unavailable: " + a.reason());
        }
        byte[] bytes = config.model().readBytes();
        Network net = load(bytes, config.model().description());
        Kernels k = KernelSelector.get();
        LOG.debug("SMFD cpu backend: loaded {} ({} ops), {} kernels, {} thread(s)", config.model().description(),
                net.ops.size(), k.description(), config.threads());
        return new CpuBackend(net, k, config.threads());
    }

    /**
     * Parses and compiles a model; any unexpected failure of the parser is reported as a corrupt model
     * (defence in depth: the parser itself only throws {@link ModelException}s).
     */
    static Network load(byte[] bytes, String description) {
        try {
            return Network.load(bytes, description);
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new ModelException(Reason.CORRUPT_MODEL, "The " + description + " cannot be read by the cpu backend (" + e
                    + "); re-export the model or use the bundled one", e);
        }
    }
}

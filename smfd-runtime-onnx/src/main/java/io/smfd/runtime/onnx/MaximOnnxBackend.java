package io.smfd.runtime.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.smfd.Device;
import io.smfd.ModelException;
import io.smfd.SmfdException;
import io.smfd.SmfdException.Reason;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelOutputs;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MAXIM (the image-only model of {@code io.smfd:smfd-model-maxim}) on ONNX Runtime: NHWC
 * {@code [batch, height, width, 3]} RGB in [0, 1] in ({@value #INPUT}) and out ({@value #OUTPUT}), sides multiples
 * of {@value #SIZE_MULTIPLE} (smfd-api pads and crops back). Its graph computes its shapes from the input, which
 * ONNX Runtime folds only when a session fixes the symbolic dimensions ({@code batch}, {@code height},
 * {@code width}) with {@link OrtSession.SessionOptions#setSymbolicDimensionValue}: so there is one session per
 * padded size, created at the first face of that size and cached (a session of a 256x256 face loads in about
 * 1.5 s). Thread-safe: sessions are created once per size ({@link ConcurrentHashMap#computeIfAbsent}) and
 * {@link OrtSession#run} may be called concurrently. A batch runs face by face on the session of its size, with
 * the configured intra-op threads. {@link #close()} closes every session and its options.
 */
final class MaximOnnxBackend implements InferenceBackend {

    private static final Logger LOG = LoggerFactory.getLogger(MaximOnnxBackend.class);

    /** Input name of the converted MAXIM graph. */
    static final String INPUT = "input";
    /** Output name of the converted MAXIM graph. */
    static final String OUTPUT = "output";
    /** Height and width must be multiples of this. */
    static final int SIZE_MULTIPLE = 64;
    /** Largest padded side a session is created for (a 1024x1024 MAXIM run needs tens of GB). */
    static final int MAX_SIDE = 1024;

    /** Creates session options for a device; the caller closes them. */
    interface OptionsFactory {
        OrtSession.SessionOptions create() throws OrtException;
    }

    private record Sized(OrtSession session, OrtSession.SessionOptions options) {
    }

    private final OrtEnvironment env;
    private final byte[] model;
    private final String description;
    private final Device device;
    private final OptionsFactory optionsFactory;
    private final ModelMetadata info;
    private final Map<Long, Sized> sessions = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    MaximOnnxBackend(OrtEnvironment env, byte[] model, String description, Device device, String version,
                     OptionsFactory optionsFactory) {
        this.env = Objects.requireNonNull(env, "env");
        this.model = Objects.requireNonNull(model, "model");
        this.description = Objects.requireNonNull(description, "description");
        this.device = Objects.requireNonNull(device, "device");
        this.optionsFactory = Objects.requireNonNull(optionsFactory, "optionsFactory");
        this.info = ModelMetadata.imageOnly(Objects.requireNonNull(version, "version"), SIZE_MULTIPLE);
    }

    @Override
    public ModelMetadata modelInfo() {
        return info;
    }

    @Override
    public Device device() {
        return device;
    }

    /** Number of sessions created so far (tests). */
    int sessionCount() {
        return sessions.size();
    }

    /**
     * Opens the session of one padded size now, to check that the model loads (the first size also validates the
     * graph's input and output names).
     */
    void warmUp(int height, int width) {
        session(height, width);
    }

    @Override
    public ModelOutputs infer(float[] nchwInput, int batch, int height, int width) {
        Objects.requireNonNull(nchwInput, "nchwInput");
        if (batch < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("batch, height and width must be >= 1: " + batch + ", " + height + ", "
                    + width);
        }
        if (height % SIZE_MULTIPLE != 0 || width % SIZE_MULTIPLE != 0) {
            throw new IllegalArgumentException("height and width must be multiples of " + SIZE_MULTIPLE + ": " + height
                    + "x" + width);
        }
        if (height > MAX_SIDE || width > MAX_SIDE) {
            throw new SmfdException(Reason.INFERENCE_FAILED, "MAXIM runs faces up to " + MAX_SIDE + "x" + MAX_SIDE
                    + " px (padded); this one is " + width + "x" + height + ". Resize the face crop, or use"
                    + " ModelChoice.SMFD for it.");
        }
        int plane = height * width;
        if (nchwInput.length != (long) batch * 3 * plane) {
            throw new IllegalArgumentException("nchwInput has " + nchwInput.length + " values, expected [" + batch
                    + ",3," + height + "," + width + "]");
        }
        if (closed.get()) {
            throw new IllegalStateException("ONNX backend (MAXIM) is closed");
        }
        OrtSession s = session(height, width);
        float[] out = new float[nchwInput.length];
        float[] nhwc = new float[3 * plane];
        long[] shape = {1, height, width, 3};
        for (int b = 0; b < batch; b++) {
            int off = b * 3 * plane;
            for (int p = 0; p < plane; p++) { // NCHW -> NHWC
                nhwc[3 * p] = nchwInput[off + p];
                nhwc[3 * p + 1] = nchwInput[off + plane + p];
                nhwc[3 * p + 2] = nchwInput[off + 2 * plane + p];
            }
            try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(nhwc), shape);
                 OrtSession.Result r = s.run(Map.of(INPUT, in))) {
                OnnxValue v = r.get(OUTPUT).orElseThrow(() -> new SmfdException(Reason.INFERENCE_FAILED,
                        "MAXIM model (" + description + ") has no output '" + OUTPUT + "'"));
                FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                if (fb.remaining() != 3 * plane) {
                    throw new SmfdException(Reason.INFERENCE_FAILED, "MAXIM returned " + fb.remaining()
                            + " values for a " + width + "x" + height + " face, expected " + 3 * plane);
                }
                for (int p = 0; p < plane; p++) { // NHWC -> NCHW
                    out[off + p] = fb.get(3 * p);
                    out[off + plane + p] = fb.get(3 * p + 1);
                    out[off + 2 * plane + p] = fb.get(3 * p + 2);
                }
            } catch (OrtException e) {
                throw new SmfdException(Reason.INFERENCE_FAILED, "ONNX Runtime failed to run MAXIM (" + description
                        + ") on a " + width + "x" + height + " face: " + e.getMessage(), e);
            }
        }
        return new ModelOutputs(out, new float[0], batch, 0, height, width);
    }

    private OrtSession session(int height, int width) {
        long key = ((long) height << 32) | width;
        Sized sized = sessions.computeIfAbsent(key, k -> open(height, width));
        if (closed.get()) { // closed while opening: do not leak the new session
            closeAll();
            throw new IllegalStateException("ONNX backend (MAXIM) is closed");
        }
        return sized.session();
    }

    private Sized open(int height, int width) {
        OrtSession.SessionOptions options = null;
        OrtSession session = null;
        long t0 = System.nanoTime();
        try {
            options = optionsFactory.create();
            options.setSymbolicDimensionValue("batch", 1);
            options.setSymbolicDimensionValue("height", height);
            options.setSymbolicDimensionValue("width", width);
            session = env.createSession(model, options);
            if (!session.getInputNames().contains(INPUT) || !session.getOutputNames().contains(OUTPUT)) {
                throw new ModelException(Reason.INCOMPATIBLE_MODEL, "The " + description + " has inputs "
                        + session.getInputNames() + " and outputs " + session.getOutputNames() + ", expected '" + INPUT
                        + "' and '" + OUTPUT + "'; use a matching io.smfd:smfd-model-maxim.");
            }
            LOG.debug("MAXIM session for {}x{} on {} loaded in {} ms", width, height, device,
                    (System.nanoTime() - t0) / 1_000_000);
            return new Sized(session, options);
        } catch (OrtException e) {
            close(session, options);
            throw new ModelException(Reason.CORRUPT_MODEL, "ONNX Runtime cannot load the " + description + " for "
                    + width + "x" + height + ": " + e.getMessage() + ". Rebuild or re-download"
                    + " io.smfd:smfd-model-maxim.", e);
        } catch (RuntimeException | Error e) {
            close(session, options);
            throw e;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeAll();
        }
    }

    private void closeAll() {
        for (Long k : sessions.keySet()) {
            Sized s = sessions.remove(k);
            if (s != null) {
                close(s.session(), s.options());
            }
        }
    }

    private static void close(OrtSession session, OrtSession.SessionOptions options) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException | RuntimeException e) {
                LOG.debug("closing a MAXIM session", e);
            }
        }
        if (options != null) {
            options.close();
        }
    }
}

package io.smfd.runtime.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.smfd.Device;
import io.smfd.SmfdException.Reason;
import io.smfd.SmfdException;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelOutputs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One ONNX Runtime session running SMFD-UNet. Thread-safe: {@link OrtSession#run} may be called
 * concurrently; each calling thread fills its own reusable direct input buffer.
 *
 * <p>Native resources: the session and the {@link OrtSession.SessionOptions} it was created with are
 * owned here and closed together in {@link #close()}; every input {@link OnnxTensor} and every
 * {@link OrtSession.Result} is closed before {@link #infer} returns.
 */
final class OnnxInferenceBackend implements InferenceBackend {

    /** Direct input buffers above this size (floats) are not kept per thread. 16 Mi floats = 64 MiB. */
    static final int MAX_CACHED_FLOATS = 16 * 1024 * 1024;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final ModelMetadata info;
    private final Device device;
    private final String description;
    private final int classes;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ThreadLocal<FloatBuffer> inputBuffers = new ThreadLocal<>();

    OnnxInferenceBackend(OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options, ModelMetadata info,
                         Device device, String description) {
        this.env = Objects.requireNonNull(env, "env");
        this.session = Objects.requireNonNull(session, "session");
        this.options = Objects.requireNonNull(options, "options");
        this.info = Objects.requireNonNull(info, "info");
        this.device = Objects.requireNonNull(device, "device");
        this.description = Objects.requireNonNull(description, "description");
        this.classes = info.classNames().size();
    }

    @Override
    public ModelMetadata modelInfo() {
        return info;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public ModelOutputs infer(float[] nchwInput, int batch, int height, int width) {
        Objects.requireNonNull(nchwInput, "nchwInput");
        if (batch < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("batch, height and width must be >= 1: " + batch + ", " + height
                    + ", " + width);
        }
        int m = info.sizeMultiple();
        if (height % m != 0 || width % m != 0) {
            throw new IllegalArgumentException("height and width must be multiples of " + m + ": " + height + "x"
                    + width);
        }
        long count = (long) batch * 3 * height * width;
        if (nchwInput.length != count) {
            throw new IllegalArgumentException("nchwInput has " + nchwInput.length + " values, expected [" + batch
                    + ",3," + height + "," + width + "] = " + count);
        }
        if (closed.get()) {
            throw new IllegalStateException("ONNX backend is closed");
        }
        FloatBuffer buffer = inputBuffer((int) count);
        buffer.put(nchwInput).flip();
        long[] shape = {batch, 3, height, width};
        try (OnnxTensor input = OnnxTensor.createTensor(env, buffer, shape);
             OrtSession.Result result = session.run(Collections.singletonMap(ModelValidator.INPUT, input))) {
            float[] image = read(result, ModelValidator.OUTPUT_IMAGE, batch, 3, height, width);
            float[] masks = read(result, ModelValidator.OUTPUT_MASKS, batch, classes, height, width);
            return new ModelOutputs(image, masks, batch, classes, height, width);
        } catch (OrtException e) {
            throw new SmfdException(Reason.INFERENCE_FAILED, "ONNX Runtime failed to run the SMFD model (" + description + ") on "
                    + Arrays.toString(shape) + " on " + device + ": " + e.getMessage(), e);
        } finally {
            buffer.clear();
        }
    }

    /** Returns this thread's direct buffer with room for {@code floats}, position 0, limit = capacity. */
    private FloatBuffer inputBuffer(int floats) {
        FloatBuffer b = inputBuffers.get();
        if (b != null && b.capacity() >= floats) {
            b.clear();
            b.limit(floats);
            return b;
        }
        FloatBuffer fresh = ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (floats <= MAX_CACHED_FLOATS) {
            inputBuffers.set(fresh);
        }
        return fresh;
    }

    private float[] read(OrtSession.Result result, String name, int n, int c, int h, int w) throws OrtException {
        Optional<OnnxValue> value = result.get(name);
        if (value.isEmpty() || !(value.get() instanceof OnnxTensor)) {
            throw new SmfdException(Reason.INFERENCE_FAILED, "SMFD model (" + description + ") returned no tensor '" + name + "'");
        }
        OnnxTensor t = (OnnxTensor) value.get();
        long[] shape = t.getInfo().getShape();
        long[] expected = {n, c, h, w};
        if (!Arrays.equals(shape, expected)) {
            throw new SmfdException(Reason.INFERENCE_FAILED, "SMFD model (" + description + ") returned '" + name + "' with shape "
                    + Arrays.toString(shape) + ", expected " + Arrays.toString(expected));
        }
        FloatBuffer fb = t.getFloatBuffer(); // a heap copy owned by us
        if (fb.hasArray() && fb.arrayOffset() == 0 && fb.array().length == fb.remaining()) {
            return fb.array();
        }
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
            } finally {
                options.close();
                inputBuffers.remove();
            }
        }
    }

    @Override
    public String toString() {
        return "OnnxInferenceBackend[" + description + ", " + device + ", " + info + "]";
    }
}

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ONNX Runtime sessions running SMFD-UNet. Thread-safe: {@link OrtSession#run} may be called
 * concurrently; each calling thread fills its own reusable direct input buffer.
 *
 * <p>One face runs on the main session with {@code threads} intra-op threads. On the CPU, a batch runs face by
 * face (ONNX Runtime's output for a face in a batched run differs in the last bits from its output alone, so a
 * batched run would make {@code deblurAll} differ from {@code deblur}); with two or more threads its faces run in
 * parallel, one whole face per thread, on {@code threads} "lane" sessions with one intra-op thread each (created
 * at the first batch), driven by the caller and {@code threads - 1} daemon threads owned by this backend. A small
 * face has too little work per operator for ONNX Runtime to split well (112 px: 2 threads were 1.3x one), a
 * whole face per thread needs no synchronisation. ONNX Runtime's CPU kernels split work over independent
 * outputs, so a face's output does not depend on the intra-op thread count (tests: 1 and 2 threads, bit for
 * bit). The last {@code batch % threads} faces run on the main session. A single face that arrives while
 * another call is running goes to a lane too, so concurrent callers do not share the main session's intra-op
 * threads. On a GPU a batch is one run.
 *
 * <p>Native resources: the sessions and the {@link OrtSession.SessionOptions} they were created with are
 * owned here and closed, with the lane threads, in {@link #close()}; every input {@link OnnxTensor} and every
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
    private final int threads;
    /** Opens one single-threaded lane session; null where batches are not split over lanes (GPU, one thread). */
    private final LaneFactory laneFactory;
    private final Object laneLock = new Object();
    /** {@link #infer} calls running now. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger laneCursor = new AtomicInteger();
    /** Created at the first batch; guarded by {@link #laneLock} for writes. */
    private volatile Lanes lanes;

    /** Opens a session with one intra-op thread on the same model and settings as the main session. */
    interface LaneFactory {
        Lane open() throws OrtException;
    }

    /** A session with one intra-op thread and the options it was created with (closed together). */
    record Lane(OrtSession session, OrtSession.SessionOptions options) {
    }

    /** The lane sessions and the threads that drive lanes 1 .. threads - 1 (the caller drives lane 0). */
    private record Lanes(Lane[] lanes, ExecutorService pool) {
    }

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    OnnxInferenceBackend(OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options, ModelMetadata info,
                         Device device, String description) {
        this(env, session, options, info, device, description, 1, null);
    }

    OnnxInferenceBackend(OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options, ModelMetadata info,
                         Device device, String description, int threads, LaneFactory laneFactory) {
        this.env = Objects.requireNonNull(env, "env");
        this.session = Objects.requireNonNull(session, "session");
        this.options = Objects.requireNonNull(options, "options");
        this.info = Objects.requireNonNull(info, "info");
        this.device = Objects.requireNonNull(device, "device");
        this.description = Objects.requireNonNull(description, "description");
        this.classes = info.classNames().size();
        this.threads = Math.max(1, threads);
        this.laneFactory = device == Device.CPU && this.threads > 1 ? laneFactory : null;
    }

    int threads() {
        return threads;
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
        if (device != Device.CPU) {
            return run(session, nchwInput, 0, batch, height, width);
        }
        int others = inFlight.getAndIncrement();
        try {
            if (batch > 1) {
                return runFaces(nchwInput, batch, height, width, null);
            }
            // A face while another call runs: on a single-threaded lane, not on the main session, whose intra-op
            // threads the other call is using (2 callers on a 2-thread session: 0.7x one caller's throughput).
            OrtSession s = others == 0 || laneFactory == null ? session : nextLane();
            return run(s, nchwInput, 0, 1, height, width);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Whether the lane sessions have been opened (tests). */
    boolean lanesOpen() {
        return lanes != null;
    }

    private OrtSession nextLane() {
        Lane[] l = lanes().lanes();
        return l[Math.floorMod(laneCursor.getAndIncrement(), l.length)].session();
    }

    /**
     * A batch on the CPU, face by face (see the class comment); {@code onFace} (tests) runs on the thread of
     * every face.
     */
    ModelOutputs runFaces(float[] in, int batch, int height, int width, Runnable onFace) {
        int plane = height * width;
        int inLen = 3 * plane;
        int maskLen = classes * plane;
        float[] image = new float[Math.multiplyExact(batch, inLen)];
        float[] masks = new float[Math.multiplyExact(batch, maskLen)];
        int whole = laneFactory == null ? 0 : batch - batch % threads;
        if (whole > 0) {
            Lanes l = lanes();
            AtomicInteger next = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(whole);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int k = 1; k < threads; k++) {
                OrtSession s = l.lanes()[k].session();
                l.pool().execute(() -> runWhole(s, in, height, width, image, masks, whole, next, done, failure, onFace));
            }
            runWhole(l.lanes()[0].session(), in, height, width, image, masks, whole, next, done, failure, onFace);
            boolean interrupted = false;
            while (true) {
                try {
                    done.await(); // never return while a lane still runs a face of this call
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
        }
        for (int f = whole; f < batch; f++) {
            runFace(session, in, f, height, width, image, masks, onFace);
        }
        return new ModelOutputs(image, masks, batch, classes, height, width);
    }

    /** Takes faces {@code [0, whole)} one at a time from {@code next} and runs them on {@code lane}. */
    private void runWhole(OrtSession lane, float[] in, int height, int width, float[] image, float[] masks, int whole,
                          AtomicInteger next, CountDownLatch done, AtomicReference<Throwable> failure, Runnable onFace) {
        int f;
        while ((f = next.getAndIncrement()) < whole) {
            try {
                if (failure.get() == null) {
                    runFace(lane, in, f, height, width, image, masks, onFace);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                done.countDown();
            }
        }
    }

    private void runFace(OrtSession s, float[] in, int f, int height, int width, float[] image, float[] masks,
                         Runnable onFace) {
        if (onFace != null) {
            onFace.run();
        }
        int inLen = 3 * height * width;
        int maskLen = classes * height * width;
        ModelOutputs o = run(s, in, f * inLen, 1, height, width);
        System.arraycopy(o.image(), 0, image, f * inLen, inLen);
        System.arraycopy(o.masks(), 0, masks, f * maskLen, maskLen);
    }

    private Lanes lanes() {
        Lanes l = lanes;
        if (l != null) {
            return l;
        }
        synchronized (laneLock) {
            if (lanes != null) {
                return lanes;
            }
            if (closed.get()) {
                throw new IllegalStateException("ONNX backend is closed");
            }
            Lane[] opened = new Lane[threads];
            try {
                for (int k = 0; k < threads; k++) {
                    opened[k] = laneFactory.open();
                }
            } catch (OrtException | RuntimeException e) {
                closeLanes(opened);
                throw new SmfdException(Reason.INFERENCE_FAILED, "ONNX Runtime could not open " + threads
                        + " single-threaded sessions of the SMFD model (" + description + ") to run a batch: "
                        + e.getMessage(), e);
            }
            int id = POOL_IDS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "smfd-onnx-" + id + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            lanes = new Lanes(opened, pool);
            return lanes;
        }
    }

    private static void closeLanes(Lane[] opened) {
        for (Lane lane : opened) {
            if (lane != null) {
                try {
                    lane.session().close();
                } catch (OrtException | RuntimeException e) {
                    // closing anyway: nothing else to release
                } finally {
                    lane.options().close();
                }
            }
        }
    }

    /** One run of {@code batch} images starting at {@code in[offset]} on session {@code s}. */
    private ModelOutputs run(OrtSession s, float[] in, int offset, int batch, int height, int width) {
        int count = batch * 3 * height * width;
        FloatBuffer buffer = inputBuffer(count);
        buffer.put(in, offset, count).flip();
        long[] shape = {batch, 3, height, width};
        try (OnnxTensor input = OnnxTensor.createTensor(env, buffer, shape);
             OrtSession.Result result = s.run(Collections.singletonMap(ModelValidator.INPUT, input))) {
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
            Lanes l;
            synchronized (laneLock) {
                l = lanes;
                lanes = null;
            }
            if (l != null) {
                l.pool().shutdownNow(); // idle: smfd-api never closes during a call
                boolean stopped = false;
                try {
                    stopped = l.pool().awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (stopped) { // else a lane may still run: leave its session open rather than crash it
                    closeLanes(l.lanes());
                }
            }
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

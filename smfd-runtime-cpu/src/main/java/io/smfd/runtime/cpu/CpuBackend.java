package io.smfd.runtime.cpu;

import io.smfd.SmfdException.Reason;
import io.smfd.SmfdException;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelOutputs;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A loaded model on the pure-Java engine. Thread-safe: each in-flight {@link #infer} call takes its own
 * {@link Plan} (buffers) from a per-shape pool, and all calls share one {@link Parallel} pool of
 * {@code threads - 1} daemon workers (closed by {@link #close()}).
 */
final class CpuBackend implements InferenceBackend {

    /** Distinct input shapes whose plans are kept; older ones are dropped when exceeded. */
    static final int MAX_SHAPES = 8;

    private final Network net;
    private final Kernels kernels;
    private final Parallel par;
    private final Map<Long, ConcurrentLinkedDeque<Plan>> plans = new ConcurrentHashMap<>();
    private volatile boolean closed;

    CpuBackend(Network net, Kernels kernels, int threads) {
        this.net = Objects.requireNonNull(net);
        this.kernels = Objects.requireNonNull(kernels);
        this.par = new Parallel(threads);
    }

    @Override
    public ModelMetadata modelInfo() {
        return net.info;
    }

    Kernels kernels() {
        return kernels;
    }

    int threads() {
        return par.threads();
    }

    Network network() {
        return net;
    }

    @Override
    public ModelOutputs infer(float[] nchwInput, int batch, int height, int width) {
        Objects.requireNonNull(nchwInput, "nchwInput");
        if (closed) {
            throw new IllegalStateException("the cpu backend is closed");
        }
        if (batch < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("batch, height and width must be >= 1, got " + batch + ", " + height
                    + ", " + width);
        }
        long expected = (long) batch * 3 * height * width;
        if (nchwInput.length != expected) {
            throw new IllegalArgumentException("input has " + nchwInput.length + " values, expected [" + batch
                    + ",3," + height + "," + width + "] = " + expected);
        }
        int m = net.info.sizeMultiple();
        if (height % m != 0 || width % m != 0) {
            throw new IllegalArgumentException("height and width must be multiples of " + m + " (the model's size"
                    + " multiple), got " + height + "x" + width);
        }
        if (height > 1 << 14 || width > 1 << 14 || batch > 1 << 14) {
            throw new IllegalArgumentException("input [" + batch + ",3," + height + "," + width + "] is too large");
        }
        long key = ((long) batch << 40) | ((long) height << 20) | width;
        Plan plan = acquire(key, batch, height, width);
        try {
            float[][] buf = plan.buffers.clone();
            for (Network.Value v : net.values) {
                if (v.isConst()) {
                    buf[v.id] = v.constData;
                }
            }
            buf[net.inputId] = nchwInput;
            int k = net.info.classNames().size();
            float[] image = new float[(int) Ops.size(plan.shapes[net.imageId])];
            float[] masks = new float[(int) Ops.size(plan.shapes[net.masksId])];
            buf[net.imageId] = image;
            buf[net.masksId] = masks;
            Exec ex = new Exec(buf, plan.shapes, kernels, par, plan.scratch);
            for (Op op : net.ops) {
                op.run(ex);
            }
            return new ModelOutputs(image, masks, batch, k, height, width);
        } catch (OutOfMemoryError e) {
            throw new SmfdException(Reason.INFERENCE_FAILED, "Out of memory running the cpu backend on [" + batch + ",3," + height + ","
                    + width + "]; use smaller batches or a larger heap", e);
        } finally {
            release(key, plan);
        }
    }

    private Plan acquire(long key, int batch, int height, int width) {
        ConcurrentLinkedDeque<Plan> q = plans.get(key);
        Plan p = q == null ? null : q.pollFirst();
        if (p != null) {
            return p;
        }
        try {
            return new Plan(net, batch, height, width);
        } catch (OutOfMemoryError e) {
            plans.clear();
            throw new SmfdException(Reason.INFERENCE_FAILED, "Out of memory planning the cpu backend for [" + batch + ",3," + height
                    + "," + width + "]; use smaller batches or a larger heap", e);
        }
    }

    private void release(long key, Plan plan) {
        if (closed) {
            return;
        }
        if (!plans.containsKey(key) && plans.size() >= MAX_SHAPES) {
            plans.clear();
        }
        ConcurrentLinkedDeque<Plan> q = plans.computeIfAbsent(key, x -> new ConcurrentLinkedDeque<>());
        if (q.size() < Math.max(2, par.threads())) {
            q.addFirst(plan);
        }
    }

    @Override
    public void close() {
        closed = true;
        plans.clear();
        par.close();
    }
}

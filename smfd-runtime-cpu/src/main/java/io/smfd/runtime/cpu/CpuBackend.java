package io.smfd.runtime.cpu;

import io.smfd.SmfdException.Reason;
import io.smfd.SmfdException;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelOutputs;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A loaded model on the pure-Java engine. Thread-safe: each in-flight {@link #infer} call takes its own
 * {@link Plan} (buffers) from a per-shape pool, and all calls share one {@link Parallel} pool of
 * {@code threads - 1} daemon workers (closed by {@link #close()}). A batch runs face by face on batch-1 plans;
 * with two or more threads its faces run in parallel, one whole face per thread (face-level parallelism: a small
 * face has too little work per layer to split), and every face's output is bit-for-bit the one a call with that
 * face alone returns. A single face splits each layer over the threads.
 *
 * <p>Memory: the working memory of every plan alive (in use by a call or pooled for the next one) is reserved
 * against a budget, {@value #HEAP_SHARE_PERCENT}% of the maximum heap. A call whose plan does not fit waits
 * until running calls release theirs (pooled plans are dropped first), so concurrent calls queue instead of
 * running out of memory; a single plan larger than the budget still runs, alone.
 */
final class CpuBackend implements InferenceBackend {

    /** Distinct input shapes whose plans are kept; older ones are dropped when exceeded. */
    static final int MAX_SHAPES = 8;

    /** Share of {@code Runtime.maxMemory()} that the plans of one backend may hold, in percent. */
    static final int HEAP_SHARE_PERCENT = 50;

    private final Network net;
    private final Kernels kernels;
    private final Parallel par;
    private final long budget;
    private final Object lock = new Object();
    /** Pooled plans per shape key, least recently used shape first. Guarded by {@link #lock}. */
    private final Map<Long, ArrayDeque<Plan>> pool = new LinkedHashMap<>(16, 0.75f, true);
    /** Bytes of all plans alive (in use or pooled). Guarded by {@link #lock}. */
    private long reserved;
    /** Highest {@link #reserved} seen (tests). Guarded by {@link #lock}. */
    private long peakReserved;
    private volatile boolean closed;

    CpuBackend(Network net, Kernels kernels, int threads) {
        this(net, kernels, threads, Runtime.getRuntime().maxMemory() / 100 * HEAP_SHARE_PERCENT);
    }

    CpuBackend(Network net, Kernels kernels, int threads, long budgetBytes) {
        this.net = Objects.requireNonNull(net);
        this.kernels = Objects.requireNonNull(kernels);
        this.par = new Parallel(threads);
        this.budget = budgetBytes;
        if (kernels.winograd()) {
            // at load, not in the first deblur: the transformed weights of every layer Winograd will run
            for (Op op : net.ops) {
                if (op instanceof Conv c && c.winogradShape) {
                    c.winogradWeights();
                }
            }
        }
    }

    long budget() {
        return budget;
    }

    long peakReserved() {
        synchronized (lock) {
            return peakReserved;
        }
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
        return infer(nchwInput, batch, height, width, null);
    }

    /** {@link #infer}, running {@code onFace} (tests: which thread ran it) on the thread of every face of a batch. */
    ModelOutputs infer(float[] nchwInput, int batch, int height, int width, Runnable onFace) {
        Objects.requireNonNull(nchwInput, "nchwInput");
        if (closed) {
            throw new SmfdException(Reason.CLOSED, "the cpu backend is closed");
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
        if (batch == 1) {
            return runFace(nchwInput, height, width, par);
        }
        return runFaces(nchwInput, batch, height, width, onFace);
    }

    /**
     * A batch, one face at a time (each face on a batch-1 plan, exactly as a call with that face alone would run
     * it). With two or more threads, whole faces run in parallel, one per thread: a small face (112 px) has too
     * little work per layer to split over threads, a whole face per thread keeps every core busy without a
     * synchronisation per loop. Each face still splits its loops as it would on the full pool
     * ({@link Parallel#inline}), so every face's output is bit-for-bit the one {@code infer} gives it alone.
     * The last {@code batch % threads} faces (too few to give every thread one) run split over the pool, as do
     * all faces when {@code threads} of their plans would not fit the memory budget.
     */
    private ModelOutputs runFaces(float[] in, int batch, int height, int width, Runnable onFace) {
        int k = net.info.classNames().size();
        int plane = height * width;
        int inLen = 3 * plane;
        int maskLen = k * plane;
        float[] image = new float[Math.multiplyExact(batch, inLen)];
        float[] masks = new float[Math.multiplyExact(batch, maskLen)];
        int threads = par.threads();
        int wholeFaces = 0;
        if (threads > 1 && batch >= threads && planBytes(height, width) * threads <= budget) {
            wholeFaces = batch - batch % threads;
        }
        if (wholeFaces > 0) {
            Parallel inline = Parallel.inline(threads);
            par.forEach(wholeFaces, f -> copyFace(in, f, height, width, inline, image, masks, inLen, maskLen,
                    onFace));
        }
        for (int f = wholeFaces; f < batch; f++) {
            copyFace(in, f, height, width, par, image, masks, inLen, maskLen, onFace);
        }
        return new ModelOutputs(image, masks, batch, k, height, width);
    }

    private void copyFace(float[] in, int f, int height, int width, Parallel p, float[] image, float[] masks,
                          int inLen, int maskLen, Runnable onFace) {
        if (onFace != null) {
            onFace.run();
        }
        float[] one = Arrays.copyOfRange(in, f * inLen, (f + 1) * inLen);
        ModelOutputs o = runFace(one, height, width, p);
        System.arraycopy(o.image(), 0, image, f * inLen, inLen);
        System.arraycopy(o.masks(), 0, masks, f * maskLen, maskLen);
    }

    /** Working memory of one face's plan at this size (a pooled plan's, else a layout's; nothing allocated). */
    private long planBytes(int height, int width) {
        long key = key(1, height, width);
        synchronized (lock) {
            ArrayDeque<Plan> q = pool.get(key);
            if (q != null && !q.isEmpty()) {
                return q.peekFirst().bytes;
            }
        }
        return new Plan(net, 1, height, width).bytes;
    }

    private static long key(int batch, int height, int width) {
        return ((long) batch << 40) | ((long) height << 20) | width;
    }

    /** One face (batch 1) on the given pool. */
    private ModelOutputs runFace(float[] input, int height, int width, Parallel p) {
        long key = key(1, height, width);
        Plan plan = acquire(key, 1, height, width);
        try {
            Exec ex = bind(net, plan, input, kernels, p);
            for (Op op : net.ops) {
                op.run(ex);
            }
            int k = net.info.classNames().size();
            return new ModelOutputs(ex.buf[net.imageId], ex.buf[net.masksId], 1, k, height, width);
        } catch (OutOfMemoryError e) {
            throw new SmfdException(Reason.INFERENCE_FAILED, "Out of memory running the cpu backend on [1,3," + height
                    + "," + width + "]; use smaller images or a larger heap", e);
        } finally {
            release(key, plan);
        }
    }

    /**
     * The execution state of one call: the plan's buffers with the constants, the input and fresh image and
     * masks outputs bound (the profiling hook in the test-jar uses this too, so it runs exactly what infer runs).
     */
    static Exec bind(Network net, Plan plan, float[] input, Kernels kernels, Parallel par) {
        float[][] buf = plan.buffers.clone();
        for (Network.Value v : net.values) {
            if (v.isConst()) {
                buf[v.id] = v.constData;
            }
        }
        buf[net.inputId] = input;
        buf[net.imageId] = new float[(int) Ops.size(plan.shapes[net.imageId])];
        buf[net.masksId] = new float[(int) Ops.size(plan.shapes[net.masksId])];
        return new Exec(buf, plan.shapes, kernels, par, plan.scratch, plan.concatSkip, plan.offset);
    }

    /** A pooled plan for the shape, or a new one once its working memory fits the budget (waits until then). */
    private Plan acquire(long key, int batch, int height, int width) {
        synchronized (lock) {
            Plan p = takePooled(key);
            if (p != null) {
                return p;
            }
        }
        Plan fresh = new Plan(net, batch, height, width); // layout only: nothing large allocated yet
        synchronized (lock) {
            boolean interrupted = false;
            try {
                while (true) {
                    Plan p = takePooled(key);
                    if (p != null) {
                        return p;
                    }
                    if (reserved == 0 || reserved + fresh.bytes <= budget) {
                        reserved += fresh.bytes;
                        peakReserved = Math.max(peakReserved, reserved);
                        break;
                    }
                    if (!dropOldestPooled()) {
                        try {
                            lock.wait(); // a running call releases its plan
                        } catch (InterruptedException e) {
                            interrupted = true;
                            throw new SmfdException(Reason.INFERENCE_FAILED, "Interrupted while waiting for working"
                                    + " memory of the cpu backend for [" + batch + ",3," + height + "," + width + "]", e);
                        }
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try {
            return fresh.allocate();
        } catch (OutOfMemoryError e) {
            synchronized (lock) {
                reserved -= fresh.bytes;
                dropAllPooled(); // free what we can for the next call
                lock.notifyAll();
            }
            throw new SmfdException(Reason.INFERENCE_FAILED, "Out of memory allocating " + (fresh.bytes >> 20)
                    + " MiB of working memory for the cpu backend on [" + batch + ",3," + height + "," + width
                    + "]; use smaller images or batches, or a larger heap (-Xmx)", e);
        }
    }

    private Plan takePooled(long key) { // holds lock
        ArrayDeque<Plan> q = pool.get(key);
        Plan p = q == null ? null : q.pollFirst();
        if (q != null && q.isEmpty()) {
            pool.remove(key);
        }
        return p;
    }

    private boolean dropOldestPooled() { // holds lock
        Iterator<Map.Entry<Long, ArrayDeque<Plan>>> it = pool.entrySet().iterator();
        if (!it.hasNext()) {
            return false;
        }
        ArrayDeque<Plan> q = it.next().getValue();
        reserved -= q.pollLast().bytes;
        if (q.isEmpty()) {
            it.remove();
        }
        return true;
    }

    private void release(long key, Plan plan) {
        synchronized (lock) {
            ArrayDeque<Plan> q = pool.get(key);
            boolean keep;
            if (closed) {
                keep = false;
            } else if (q == null) {
                if (pool.size() >= MAX_SHAPES) {
                    dropShape(); // make room for this shape
                }
                keep = true;
            } else {
                keep = q.size() < Math.max(2, par.threads());
            }
            if (keep) {
                pool.computeIfAbsent(key, x -> new ArrayDeque<>()).addFirst(plan);
            } else {
                reserved -= plan.bytes;
            }
            lock.notifyAll();
        }
    }

    private void dropShape() { // holds lock: drops every pooled plan of the least recently used shape
        Iterator<Map.Entry<Long, ArrayDeque<Plan>>> it = pool.entrySet().iterator();
        if (it.hasNext()) {
            for (Plan p : it.next().getValue()) {
                reserved -= p.bytes;
            }
            it.remove();
        }
    }

    private void dropAllPooled() { // holds lock
        while (dropOldestPooled()) {
            // drop them one by one, keeping reserved in step
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            dropAllPooled(); // release the pooled plans
            lock.notifyAll();
        }
        par.close();
    }
}

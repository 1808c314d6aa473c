package io.smfd.runtime.cpu;

import io.smfd.spi.ModelSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Per-op timing hook for the profile in {@code smfd-benchmarks} ({@code CpuProfile}), shipped only in this
 * module's test-jar, never in the runtime jar. It compiles the bundled model as {@link CpuBackend} does, lays out
 * one {@link Plan} for {@code [1, 3, h, w]}, binds it with {@link CpuBackend#bind} (the same setup as
 * {@link CpuBackend#infer}) and runs the ops of the network one by one exactly as infer does, timing each with
 * {@link System#nanoTime()}. The runtime's code is not changed
 * and pays nothing: the timing lives only here.
 */
public final class NetworkProfile implements AutoCloseable {

    /** One executable step of the compiled (fused) network. */
    public static final class Layer {
        /** Position in the op order. */
        public final int index;
        /** The op's label (node name of the ONNX graph, fused ops named by their first node). */
        public final String label;
        /** Op type, e.g. {@code Conv3x3}, {@code Conv1x1}, {@code Conv3x3/s2}, {@code Concat}, {@code Mul}. */
        public final String type;
        /** What is fused into a convolution ({@code +Add}, {@code +Relu}, ...), or empty. */
        public final String fused;
        /** Input and output shapes, e.g. {@code 64x128x128 -> 64x128x128}. */
        public final String shapes;
        /** Floating-point operations (2 per multiply-add; convolutions only, else 0). */
        public final long flops;
        /** Bytes of all activation inputs plus the output (a lower bound on the memory traffic). */
        public final long bytes;

        Layer(int index, String label, String type, String fused, String shapes, long flops, long bytes) {
            this.index = index;
            this.label = label;
            this.type = type;
            this.fused = fused;
            this.shapes = shapes;
            this.flops = flops;
            this.bytes = bytes;
        }
    }

    private final Network net;
    private final Kernels kernels;
    private final Parallel par;
    private final Exec exec;
    private final List<Layer> layers;

    private NetworkProfile(int h, int w, int threads, boolean vector) {
        net = Network.load(ModelSource.bundled().readBytes(), "bundled model");
        kernels = KernelBench.kernels(vector);
        par = new Parallel(threads);
        Plan plan = new Plan(net, 1, h, w).allocate();
        float[] input = new float[3 * h * w];
        Random r = new Random(42);
        for (int i = 0; i < input.length; i++) {
            input[i] = r.nextFloat();
        }
        exec = CpuBackend.bind(net, plan, input, kernels, par);
        List<Layer> list = new ArrayList<>();
        for (int i = 0; i < net.ops.size(); i++) {
            Op op = net.ops.get(i);
            StringBuilder sh = new StringBuilder();
            long bytes = 4 * Ops.size(plan.shapes[op.output]);
            for (int in : op.inputs) {
                if (net.values.get(in).isConst()) {
                    continue;
                }
                int[] s = plan.shapes[in];
                sh.append(sh.length() == 0 ? "" : " + ").append(s[1]).append('x').append(s[2]).append('x').append(s[3]);
                bytes += 4 * Ops.size(s);
            }
            int[] o = plan.shapes[op.output];
            sh.append(" -> ").append(o[1]).append('x').append(o[2]).append('x').append(o[3]);
            list.add(new Layer(i, op.label, type(op), fused(op), sh.toString(), op.flops(plan.shapes), bytes));
        }
        layers = Collections.unmodifiableList(list);
    }

    /**
     * Compiles the bundled model for one {@code [1, 3, h, w]} input with random pixels.
     *
     * @param h       height (a multiple of the model's size multiple)
     * @param w       width
     * @param threads threads (the caller plus threads - 1 workers)
     * @param vector  vector kernels (true) or scalar kernels
     * @return the profile; close it to stop its threads
     */
    public static NetworkProfile of(int h, int w, int threads, boolean vector) {
        return new NetworkProfile(h, w, threads, vector);
    }

    private static String type(Op op) {
        if (op instanceof Conv) {
            Conv c = (Conv) op;
            return "Conv" + c.kh + "x" + c.kw + (c.s > 1 ? "/s" + c.s : "");
        }
        if (op instanceof Ops.Binary) {
            return ((Ops.Binary) op).mul ? "Mul" : "Add";
        }
        if (op instanceof Ops.Unary) {
            return actName(((Ops.Unary) op).act);
        }
        if (op instanceof Ops.GlobalPool) {
            return ((Ops.GlobalPool) op).max ? "GlobalMaxPool" : "GlobalAveragePool";
        }
        if (op instanceof Ops.ReduceChannels) {
            return ((Ops.ReduceChannels) op).max ? "ReduceMax" : "ReduceMean";
        }
        if (op instanceof Ops.AvgPool) {
            return "AveragePool";
        }
        return op.getClass().getSimpleName();
    }

    private static String fused(Op op) {
        if (!(op instanceof Conv)) {
            return "";
        }
        Conv c = (Conv) op;
        return (c.hasResidual ? "+Add" : "") + (c.act == Kernels.ACT_NONE ? "" : "+" + actName(c.act));
    }

    private static String actName(int act) {
        switch (act) {
            case Kernels.ACT_RELU:
                return "Relu";
            case Kernels.ACT_SIGMOID:
                return "Sigmoid";
            case Kernels.ACT_CLIP:
                return "Clip";
            default:
                return "Identity";
        }
    }

    /**
     * Returns the steps of the compiled network in execution order.
     *
     * @return the layers
     */
    public List<Layer> layers() {
        return layers;
    }

    /** Runs the whole network once, untimed (as {@link CpuBackend#infer} does). */
    public void run() {
        for (Op op : net.ops) {
            op.run(exec);
        }
    }

    /**
     * Runs the whole network once and stores each op's wall time.
     *
     * @param nanos receives the nanoseconds of op {@code i} at index {@code i} (length >= {@code layers().size()})
     * @return the nanoseconds of the whole run
     */
    public long runTimed(long[] nanos) {
        return runTimed(nanos, System::nanoTime);
    }

    /**
     * {@link #runTimed(long[])} with another clock, e.g. the calling thread's CPU time (meaningful on 1 thread:
     * on a machine shared with other processes it leaves out the time this thread waited for a core).
     *
     * @param nanos receives the nanoseconds of op {@code i} at index {@code i}
     * @param clock the clock, in nanoseconds
     * @return the nanoseconds of the whole run
     */
    public long runTimed(long[] nanos, java.util.function.LongSupplier clock) {
        List<Op> ops = net.ops;
        long start = clock.getAsLong();
        long t = start;
        for (int i = 0; i < ops.size(); i++) {
            ops.get(i).run(exec);
            long now = clock.getAsLong();
            nanos[i] = now - t;
            t = now;
        }
        return t - start;
    }

    /**
     * Returns the kernels' description.
     *
     * @return e.g. {@code "vector (512-bit, 16 float lanes)"}
     */
    public String kernels() {
        return kernels.description();
    }

    @Override
    public void close() {
        par.close();
    }
}

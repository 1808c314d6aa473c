package io.smfd.runtime.cpu;

import java.util.Random;

/**
 * Hook for the JMH benchmarks in {@code smfd-benchmarks}, shipped only in this module's test-jar
 * ({@code io.smfd:smfd-runtime-cpu:tests}, which contains nothing else), never in the runtime jar. It sits in the
 * runtime's package to reach the package-private kernels. Runs one convolution layer with the chosen kernels and
 * thread count, so its GFLOP/s can be compared with the machine's FMA peak.
 */
public final class KernelBench implements AutoCloseable {

    private final Conv conv;
    private final Exec exec;
    private final Parallel par;
    private final long flops;
    private final Kernels kernels;

    private KernelBench(int ic, int oc, int k, int stride, int h, int w, int threads, boolean vector) {
        Kernels kk = kernels(vector);
        Random r = new Random(1);
        float[] wts = new float[oc * ic * k * k];
        for (int i = 0; i < wts.length; i++) {
            wts[i] = r.nextFloat() - 0.5f;
        }
        conv = new Conv("bench", 0, 1, oc, ic, k, k, stride, k / 2, k / 2, k / 2, k / 2, wts, new float[oc]);
        conv.fuseActivation(Kernels.ACT_RELU, 0, 0, 1);
        int[][] shapes = {{1, ic, h, w}, null};
        shapes[1] = conv.shape(new int[][] {shapes[0]});
        float[] x = new float[ic * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        float[][] buf = {x, new float[(int) Ops.size(shapes[1])]};
        par = new Parallel(threads);
        exec = new Exec(buf, shapes, kk, par, new float[(int) conv.scratchFloats(shapes)]);
        flops = conv.flops(shapes);
        kernels = kk;
    }

    /** The vector kernels (failing if this JVM lacks them) or the scalar kernels; also used by {@link NetworkProfile}. */
    static Kernels kernels(boolean vector) {
        return vector ? KernelSelector.vector().orElseThrow(() -> new IllegalStateException(
                "vector kernels unavailable: run on Java 21+ with --add-modules jdk.incubator.vector"))
                : ScalarKernels.INSTANCE;
    }

    /**
     * Creates a benchmark of a k x k convolution with bias and ReLU on one {@code ic x h x w} image.
     *
     * @param ic      input channels
     * @param oc      output channels
     * @param k       kernel size (pad k/2)
     * @param stride  stride
     * @param h       height
     * @param w       width
     * @param threads threads (the caller plus threads - 1 workers)
     * @param vector  vector kernels (true) or scalar kernels
     * @return the benchmark; close it to stop its threads
     */
    public static KernelBench conv(int ic, int oc, int k, int stride, int h, int w, int threads, boolean vector) {
        return new KernelBench(ic, oc, k, stride, h, w, threads, vector);
    }

    /** Runs the layer once (input preparation, convolution, fused bias+ReLU epilogue). */
    public void run() {
        conv.run(exec);
    }

    /**
     * Returns the floating-point operations of one {@link #run()} (2 per multiply-add).
     *
     * @return FLOPs per run
     */
    public long flopsPerRun() {
        return flops;
    }

    /**
     * Returns the kernels' description.
     *
     * @return e.g. {@code "vector (512-bit, 16 float lanes)"}
     */
    public String kernels() {
        return kernels.description();
    }

    /**
     * Returns the description of the kernels this JVM selects by default (and logs the choice once).
     *
     * @return the selected kernels' description
     */
    public static String selectedKernels() {
        return KernelSelector.get().description();
    }

    @Override
    public void close() {
        par.close();
    }
}

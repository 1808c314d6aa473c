package io.smfd.model.maxim;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Cost per face of the MAXIM model in ONNX Runtime, next to SMFD-UNet in the same run (not a test).
 *
 * <p>{@code java -cp <test class path> io.smfd.model.maxim.MaximCost <smfd-unet.onnx> <reps> <threads,...> <sizes,...>}
 * prints, per thread count and size, the session creation time and the median / min wall time and the median
 * process CPU time of {@code reps} runs of each model on a random face-sized input (one warm-up run first), the
 * two models' runs interleaved. On a shared machine the CPU times and the ratios are the stable numbers. A size that
 * is not a multiple of {@value MaximModel#SIZE_MULTIPLE} runs MAXIM at the next multiple (as {@code Deblurrer} pads
 * it: 112 -> 128, 160 -> 192) and SMFD-UNet at the size itself.
 */
public final class MaximCost {

    private MaximCost() {
    }

    public static void main(String[] args) throws Exception {
        byte[] smfd = Files.readAllBytes(Path.of(args[0]));
        int reps = Integer.parseInt(args[1]);
        int[] threads = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int[] sizes = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        byte[] maxim = MaximModel.onnxBytes();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (int t : threads) {
            for (int size : sizes) {
                int padded = (size + MaximModel.SIZE_MULTIPLE - 1) / MaximModel.SIZE_MULTIPLE * MaximModel.SIZE_MULTIPLE;
                float[] face = new float[size * size * 3];
                float[] paddedFace = new float[padded * padded * 3];
                SplittableRandom random = new SplittableRandom(size);
                for (int i = 0; i < face.length; i++) {
                    face[i] = (float) random.nextDouble();
                }
                for (int i = 0; i < paddedFace.length; i++) {
                    paddedFace[i] = (float) random.nextDouble();
                }
                try (OrtSession.SessionOptions mo = options(t, padded, true);
                     OrtSession.SessionOptions so = options(t, size, false)) {
                    long l0 = System.nanoTime();
                    try (OrtSession m = env.createSession(maxim, mo)) {
                        long load = System.nanoTime() - l0;
                        try (OrtSession s = env.createSession(smfd, so);
                             OnnxTensor nhwc = OnnxTensor.createTensor(env, FloatBuffer.wrap(paddedFace),
                                     new long[] {1, padded, padded, 3});
                             OnnxTensor nchw = OnnxTensor.createTensor(env, FloatBuffer.wrap(face), new long[] {1, 3, size, size})) {
                            List<Long> mt = new ArrayList<>();
                            List<Long> st = new ArrayList<>();
                            List<Long> mc = new ArrayList<>();
                            List<Long> sc = new ArrayList<>();
                            for (int r = -1; r < reps; r++) {
                                long a = System.nanoTime();
                                long ac = cpu();
                                try (OrtSession.Result ignored = m.run(Map.of(MaximModel.INPUT, nhwc))) {
                                    long b = System.nanoTime();
                                    long bc = cpu();
                                    try (OrtSession.Result ignored2 = s.run(Map.of("input", nchw))) {
                                        long c = System.nanoTime();
                                        long cc = cpu();
                                        if (r >= 0) {
                                            mt.add(b - a);
                                            st.add(c - b);
                                            mc.add(bc - ac);
                                            sc.add(cc - bc);
                                        }
                                    }
                                }
                            }
                            System.out.printf("threads %d size %d (MAXIM at " + padded + "): MAXIM load %.2f s, wall median %.3f s (min %.3f), "
                                            + "process CPU median %.3f s; SMFD wall median %.3f s (min %.3f), CPU %.3f s; "
                                            + "ratio of wall medians %.1f, of CPU medians %.1f%n",
                                    t, size, load / 1e9, median(mt), min(mt), median(mc), median(st), min(st), median(sc),
                                    median(mt) / median(st), median(mc) / median(sc));
                        }
                    }
                }
            }
        }
    }

    private static OrtSession.SessionOptions options(int threads, int size, boolean maxim) throws Exception {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        if (maxim) {
            o.setSymbolicDimensionValue(MaximModel.DIM_BATCH, 1);
            o.setSymbolicDimensionValue(MaximModel.DIM_HEIGHT, size);
            o.setSymbolicDimensionValue(MaximModel.DIM_WIDTH, size);
        }
        return o;
    }

    /** CPU time of the whole process (every ONNX Runtime thread), in nanoseconds. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(List<Long> v) {
        long[] s = v.stream().mapToLong(Long::longValue).sorted().toArray();
        return (s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0) / 1e9;
    }

    private static double min(List<Long> v) {
        return v.stream().mapToLong(Long::longValue).min().orElseThrow() / 1e9;
    }
}

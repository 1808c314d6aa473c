package io.smfd.benchmarks;

import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The cpu backend against ONNX Runtime under the <em>same</em> machine load: every invocation deblurs the face once
 * with each backend (alternating which goes first) and records both latencies, so a shared or throttled machine
 * affects both equally. The JMH score is the time of one pair; the paired medians and the median of the per-pair
 * ratios cpu/onnx (measurement iterations only) are printed at the end of each trial as
 * {@code [paired] size=... threads=... cpu ... ms, onnx ... ms, ratio ...}.
 *
 * <p>Run: {@code java -jar smfd-benchmarks/target/benchmarks.jar CpuOnnxPairedBenchmark -f 1 -wi 2 -i 3}
 * (add {@code -p onnxSpinning=false} to measure ONNX Runtime without spin-waiting; {@code -p pauseMs=40} to sleep
 * that long after each call, outside the timings, so that neither backend starts while the other's pool still
 * spins: ONNX Runtime's intra-op workers spin for about 20 ms after each run, which on a 2-core machine takes a core
 * from a 2-thread cpu call that follows it, see docs/notes/cpu-profile.md). With
 * {@code -jvmArgsAppend -Dsmfd.bench.records=DIR} each trial's medians also go to {@code DIR/latency.jsonl}
 * ({@link SpeedReport}; {@code smfd-benchmarks/run-speed.sh} does this).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class CpuOnnxPairedBenchmark {

    @Param({"112", "128", "256"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    /** ONNX Runtime spin-waiting ({@code smfd.onnx.spinning}): {@code default} or {@code false}. */
    @Param({"default"})
    public String onnxSpinning;

    /**
     * Milliseconds to sleep after each of the two calls of a pair: not in the paired latencies, but in the JMH score
     * (the time of one pair); 0: back to back.
     */
    @Param({"0"})
    public int pauseMs;

    private Deblurrer cpu;
    private Deblurrer onnx;
    private FaceImage face;
    private long[] cpuNanos = new long[1024];
    private long[] onnxNanos = new long[1024];
    private int count;
    private int measureFrom;

    @Setup(Level.Trial)
    public void setUp() {
        DeblurBenchmark.applyOnnxSpinning(onnxSpinning);
        cpu = Deblurrer.builder().backend("cpu").device(Device.CPU).threads(threads).sharpFaces(SharpFacePolicy.DEBLUR).build();
        onnx = Deblurrer.builder().backend("onnx").device(Device.CPU).threads(threads).sharpFaces(SharpFacePolicy.DEBLUR).build();
        face = DeblurBenchmark.syntheticFace(size, 42);
        cpu.deblur(face);
        onnx.deblur(face);
        count = 0;
        measureFrom = -1;
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams params) {
        if (params.getType() == IterationType.MEASUREMENT && measureFrom < 0) {
            measureFrom = count;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        int from = measureFrom >= 0 && measureFrom < count ? measureFrom : 0;
        long[] c = Arrays.copyOfRange(cpuNanos, from, count);
        long[] o = Arrays.copyOfRange(onnxNanos, from, count);
        double[] ratio = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            ratio[i] = (double) c[i] / o[i];
        }
        Arrays.sort(c);
        Arrays.sort(o);
        Arrays.sort(ratio);
        if (c.length > 0) {
            System.out.printf("%n[paired] size=%d threads=%d onnxSpinning=%s%s pairs=%d: cpu %.1f ms, onnx %.1f ms,"
                            + " ratio cpu/onnx %.2f (median of per-pair ratios)%n", size, threads, onnxSpinning,
                    pauseMs > 0 ? " pauseMs=" + pauseMs : "", c.length, c[c.length / 2] / 1e6, o[o.length / 2] / 1e6,
                    ratio[ratio.length / 2]);
            java.util.Map<String, Object> r = new java.util.LinkedHashMap<>();
            r.put("size", size);
            r.put("threads", threads);
            r.put("onnxSpinning", onnxSpinning);
            if (pauseMs > 0) {
                r.put("pauseMs", pauseMs);
            }
            r.put("pairs", c.length);
            r.put("cpuMs", SpeedReport.round(c[c.length / 2] / 1e6, 3));
            r.put("onnxMs", SpeedReport.round(o[o.length / 2] / 1e6, 3));
            r.put("ratio", SpeedReport.round(ratio[ratio.length / 2], 3));
            SpeedReport.append("latency", r);
        }
        cpu.close();
        onnx.close();
    }

    @Benchmark
    public Object pair() throws InterruptedException {
        boolean cpuFirst = (count & 1) == 0;
        long t0 = System.nanoTime();
        FaceImage a = cpuFirst ? cpu.deblur(face) : onnx.deblur(face);
        long t1 = System.nanoTime();
        pause();
        long t1b = System.nanoTime();
        FaceImage b = cpuFirst ? onnx.deblur(face) : cpu.deblur(face);
        long t2 = System.nanoTime();
        pause();
        if (count == cpuNanos.length) {
            cpuNanos = Arrays.copyOf(cpuNanos, count * 2);
            onnxNanos = Arrays.copyOf(onnxNanos, count * 2);
        }
        cpuNanos[count] = cpuFirst ? t1 - t0 : t2 - t1b;
        onnxNanos[count] = cpuFirst ? t2 - t1b : t1 - t0;
        count++;
        return cpuFirst ? b : a;
    }

    private void pause() throws InterruptedException {
        if (pauseMs > 0) {
            Thread.sleep(pauseMs);
        }
    }
}

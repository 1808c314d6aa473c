package io.smfd.benchmarks;

import io.smfd.runtime.cpu.KernelBench;
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

/**
 * One representative 3x3 convolution of the cpu backend (64 -> 64 channels at 64x64, pad 1, bias + ReLU, i.e.
 * 302 MFLOP per call) with the vector or scalar kernels on 1 or 2 threads. JMH reports microseconds per call;
 * GFLOP/s = 302.0 / (us per call) * 1000 / 1000, printed at the end of each trial for convenience. Compare with
 * the machine's FMA peak: cores x GHz x FMA units x float lanes x 2 (e.g. AVX-512 on Zen 4: 2 x 256-bit FMA
 * pipes = 16 lanes/cycle, i.e. 32 FLOP/cycle/core).
 *
 * <p>Run: {@code java -jar smfd-benchmarks/target/benchmarks.jar ConvKernelBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class ConvKernelBenchmark {

    @Param({"vector", "scalar"})
    public String kernels;

    @Param({"1", "2"})
    public int threads;

    /** Layer: in-channels x out-channels x kernel x stride x size. */
    @Param({"64x64x3x1x64"})
    public String layer;

    private KernelBench bench;
    private long calls;
    private long startNanos;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = layer.split("x");
        bench = KernelBench.conv(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                Integer.parseInt(p[3]), Integer.parseInt(p[4]), Integer.parseInt(p[4]), threads,
                kernels.equals("vector"));
        bench.run();
        calls = 0;
        startNanos = System.nanoTime();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%n[ConvKernelBenchmark] %s, %d thread(s), layer %s: %.1f GFLOP/s over the trial%n",
                bench.kernels(), threads, layer, calls * (double) bench.flopsPerRun() / seconds / 1e9);
        bench.close();
    }

    @Benchmark
    public void conv() {
        bench.run();
        calls++;
    }
}

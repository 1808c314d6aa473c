package io.smfd.benchmarks;

import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
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
 * Latency (ms per face) of the pure-Java {@code cpu} backend against ONNX Runtime ({@code onnx}, CPU) in the
 * same run, through the same {@link Deblurrer} pipeline, on 112/128/256 faces with 1 and 2 intra-op threads.
 * The forked JVM resolves {@code jdk.incubator.vector}, so the cpu backend uses its vector kernels
 * (add {@code -jvmArgsAppend -Dsmfd.cpu.vector=false} to measure the scalar kernels).
 *
 * <p>Run: {@code java -jar smfd-benchmarks/target/benchmarks.jar CpuBackendBenchmark -f 1 -wi 2 -i 3}
 * and compare {@code cpu} with {@code onnx} per (size, threads); add
 * {@code -p backend=onnx -p onnxSpinning=false} for ONNX Runtime without spin-waiting.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class CpuBackendBenchmark {

    @Param({"cpu", "onnx"})
    public String backend;

    @Param({"112", "128", "256"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    /**
     * ONNX Runtime spin-waiting ({@code smfd.onnx.spinning}): {@code default} (ORT's, spinning) or {@code false},
     * which is faster for {@code threads >= 2} on a busy machine. Ignored by the cpu backend.
     */
    @Param({"default"})
    public String onnxSpinning;

    private Deblurrer deblurrer;
    private FaceImage face;

    @Setup(Level.Trial)
    public void setUp() {
        if ("default".equals(onnxSpinning)) {
            System.clearProperty("smfd.onnx.spinning");
        } else {
            System.setProperty("smfd.onnx.spinning", onnxSpinning); // benchmark JVM only
        }
        deblurrer = Deblurrer.builder().backend(backend).device(Device.CPU).threads(threads).build();
        face = DeblurBenchmark.syntheticFace(size, 42);
        deblurrer.deblur(face); // plans / buffers for this size
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        deblurrer.close();
    }

    @Benchmark
    public FaceImage deblur() {
        return deblurrer.deblur(face);
    }
}

package io.smfd.benchmarks;

import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
 * Faces per second of {@link Deblurrer#deblur(FaceImage)} with the bundled model, one caller thread.
 *
 * <p>{@code backend}: SMFD backend name ({@code onnx}, {@code cpu}); {@code size}: square face size in pixels;
 * {@code threads}: the backend's intra-op CPU threads ({@code Deblurrer.builder().threads(n)});
 * {@code onnxSpinning}: {@code default} or {@code false} (system property {@code smfd.onnx.spinning}).
 * The input is a fixed synthetic face-like image (smooth gradients plus seeded noise; no committed photos).
 * The forked JVM resolves {@code jdk.incubator.vector}, so the cpu backend uses its vector kernels
 * (add {@code -jvmArgsAppend -Dsmfd.cpu.vector=false} to measure the scalar kernels).
 *
 * <p>Run: {@code java -jar smfd-benchmarks/target/benchmarks.jar DeblurBenchmark -f 1 -wi 2 -i 3 -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class DeblurBenchmark {

    @Param({"onnx", "cpu"})
    public String backend;

    @Param({"112", "128", "256"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    /** ONNX Runtime thread spin-waiting: {@code default} (ORT's, spinning) or {@code false} (see OnnxBackendProvider). */
    @Param({"default"})
    public String onnxSpinning;

    /**
     * {@code bundled} (the model in smfd-model) or the path of an ONNX model file, e.g. to time two model versions
     * in one run: {@code -p model=bundled,/path/to/smfd-unet-v2.onnx}.
     */
    @Param({"bundled"})
    public String model;

    private Deblurrer deblurrer;
    private FaceImage face;

    @Setup(Level.Trial)
    public void setUp() {
        applyOnnxSpinning(onnxSpinning);
        Deblurrer.Builder builder = Deblurrer.builder().backend(backend).device(Device.CPU).threads(threads)
                .sharpFaces(SharpFacePolicy.DEBLUR); // time the network, never a pass-through
        if (!"bundled".equals(model)) {
            builder.model(Path.of(model));
        }
        deblurrer = builder.build();
        face = syntheticFace(size, 42);
        deblurrer.deblur(face); // first call allocates per-thread buffers
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        deblurrer.close();
    }

    @Benchmark
    public FaceImage deblur() {
        return deblurrer.deblur(face);
    }

    /**
     * Sets the ONNX backend's spin-waiting for this benchmark JVM: {@code default} clears
     * {@code smfd.onnx.spinning} (ONNX Runtime's own default), anything else is passed on as its value.
     */
    static void applyOnnxSpinning(String onnxSpinning) {
        if ("default".equals(onnxSpinning)) {
            System.clearProperty("smfd.onnx.spinning");
        } else {
            System.setProperty("smfd.onnx.spinning", onnxSpinning); // forked benchmark JVM only
        }
    }

    /** A smooth, face-sized RGB image with mild seeded noise, values in [0, 1]. */
    static FaceImage syntheticFace(int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] px = new float[3 * size * size];
        double c = (size - 1) / 2.0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = (x - c) / size;
                double dy = (y - c) / size;
                double ellipse = dx * dx / 0.09 + dy * dy / 0.16 < 1 ? 1 : 0; // "face" region
                double base = 0.25 + 0.45 * ellipse + 0.1 * Math.sin(x * 0.2) * Math.cos(y * 0.15);
                for (int ch = 0; ch < 3; ch++) {
                    double v = base * (1.0 - 0.15 * ch) + 0.03 * (rnd.nextDouble() - 0.5);
                    px[ch * size * size + y * size + x] = (float) Math.max(0, Math.min(1, v));
                }
            }
        }
        return FaceImage.fromPlanarFloat(size, size, px);
    }
}

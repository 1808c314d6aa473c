package io.smfd.runtime.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the cpu backend's working memory is bounded. 8 threads sharing one Deblurrer at 256 px needed 3.6 GB
 * of RSS and failed with "Out of memory planning" in a 512 MB heap.
 */
class CpuMemoryTest {

    /** Working memory of one call, per input pixel (documented in docs/backends.md). */
    @Test
    void workingMemoryPerCallIsLinearInThePixels() {
        Network net = CpuBackendProvider.load(TestModels.modelBytes(), "bundled model");
        long b256 = new Plan(net, 1, 256, 256).bytes;
        long b128 = new Plan(net, 1, 128, 128).bytes;
        System.out.printf("cpu plan: 256x256 %.1f MiB (%d B/pixel), 128x128 %.1f MiB%n", b256 / 1048576.0,
                b256 / (256 * 256), b128 / 1048576.0);
        assertThat(b256).isBetween(3 * b128, 5 * b128);
        assertThat(b256 / (256 * 256)).as("bytes per pixel").isLessThan(2048);
    }

    @Test
    void concurrentCallsQueueWithinTheBudgetAndStayExact() throws Exception {
        Network net = CpuBackendProvider.load(TestModels.modelBytes(), "bundled model");
        long one = new Plan(net, 1, 64, 64).bytes;
        try (CpuBackend b = new CpuBackend(net, KernelSelector.get(), 2, one * 3 / 2)) { // room for one plan
            float[] in = TestModels.random(7, 3 * 64 * 64);
            float[] expected = b.infer(in, 1, 64, 64).image();
            ExecutorService ex = Executors.newFixedThreadPool(8);
            try {
                List<Future<float[]>> fs = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    fs.add(ex.submit(() -> b.infer(in, 1, 64, 64).image()));
                }
                for (Future<float[]> f : fs) {
                    assertThat(f.get(120, TimeUnit.SECONDS)).containsExactly(expected);
                }
            } finally {
                ex.shutdownNow();
            }
            assertThat(b.peakReserved()).isEqualTo(one);
            // a larger shape: the pooled 64x64 plan is dropped to make room, never both at once; a plan larger
            // than the whole budget still runs, alone
            long big = new Plan(net, 1, 96, 96).bytes;
            assertThat(big).isGreaterThan(b.budget());
            b.infer(TestModels.random(8, 3 * 96 * 96), 1, 96, 96);
            assertThat(b.peakReserved()).isEqualTo(big);
        }
    }

    @Test
    void closedBackendThrowsSmfdExceptionClosed() {
        Network net = CpuBackendProvider.load(TestModels.modelBytes(), "bundled model");
        CpuBackend b = new CpuBackend(net, KernelSelector.get(), 1);
        b.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.infer(new float[3 * 64], 1, 8, 8))
                .isInstanceOf(io.smfd.SmfdException.class)
                .hasFieldOrPropertyWithValue("reason", io.smfd.SmfdException.Reason.CLOSED);
    }

    /** 8 threads x 256 px on one shared Deblurrer in a fresh JVM with -Xmx512m. */
    @Test
    void eightConcurrent256pxCallsRunIn512MbHeap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m"));
        if (Runtime.version().feature() >= 21) {
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", HeapProbe.class.getName(), "8", "256"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(text).contains("ok 8 of 8");
        assertThat(p.exitValue()).as(text).isZero();
    }

    /** Child process of {@link #eightConcurrent256pxCallsRunIn512MbHeap}. */
    public static final class HeapProbe {
        private HeapProbe() {
        }

        public static void main(String[] args) throws Exception {
            int callers = Integer.parseInt(args[0]);
            int size = Integer.parseInt(args[1]);
            float[] px = new float[3 * size * size];
            Random r = new Random(1);
            for (int i = 0; i < px.length; i++) {
                px[i] = r.nextFloat();
            }
            FaceImage face = FaceImage.fromPlanarFloat(size, size, px);
            int ok = 0;
            try (Deblurrer d = Deblurrer.builder().backend("cpu").threads(2).sharpFaces(SharpFacePolicy.DEBLUR).build()) {
                ExecutorService ex = Executors.newFixedThreadPool(callers);
                List<Future<FaceImage>> fs = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    fs.add(ex.submit(() -> d.deblur(face)));
                }
                for (Future<FaceImage> f : fs) {
                    try {
                        f.get();
                        ok++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        System.out.println("failed: " + e.getCause());
                    }
                }
                ex.shutdown();
            }
            System.out.println("ok " + ok + " of " + callers + ", max heap " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB");
            System.exit(ok == callers ? 0 : 1);
        }
    }
}

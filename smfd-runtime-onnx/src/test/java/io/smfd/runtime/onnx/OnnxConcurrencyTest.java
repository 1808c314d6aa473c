package io.smfd.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 8 threads x 200 calls on one Deblurrer: every output is bit-identical to the single-threaded reference, and
 * the process RSS does not grow (closed tensors/results, reused direct buffers).
 * Tolerance: RSS growth below {@value #RSS_TOLERANCE_MB} MB after warm-up (glibc arenas and JIT make a few MB
 * of noise; a leak of one input tensor or result per call would be 1600 x 12-30 KB = 20-50 MB plus the
 * native output copies, and a leaked session per call would be gigabytes).
 */
class OnnxConcurrencyTest {

    static final int THREADS = 8;
    static final int CALLS = 200;
    static final int RSS_TOLERANCE_MB = 64;

    @Test
    void eightThreadsGiveIdenticalOutputsWithoutNativeMemoryGrowth() throws Exception {
        FaceImage a = Faces.evalFace(50);
        FaceImage b = Faces.evalFace(51);
        // Small crops keep 1600 calls fast on 2 cores; sizes include odd and non-square ones (padding path).
        List<FaceImage> inputs = List.of(
                Faces.crop(a, 100, 100, 32, 32),
                Faces.crop(b, 90, 120, 33, 47),
                Faces.crop(a, 60, 140, 40, 24),
                Faces.crop(b, 110, 100, 32, 32));
        try (Deblurrer d = Faces.onnxOnCpu(1)) {
            List<FaceImage> expected = new ArrayList<>();
            for (FaceImage in : inputs) {
                expected.add(d.deblur(in));
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                runAll(pool, d, inputs, expected, 25); // warm-up: per-thread buffers, ORT arena, JIT
                long before = rssKb();
                long start = System.nanoTime();
                int mismatches = runAll(pool, d, inputs, expected, CALLS);
                double seconds = (System.nanoTime() - start) / 1e9;
                long after = rssKb();
                System.out.printf("OnnxConcurrencyTest: %d threads x %d calls in %.1f s (%.0f calls/s);"
                                + " RSS before %d KB, after %d KB, growth %+d KB (tolerance %d MB)%n",
                        THREADS, CALLS, seconds, THREADS * CALLS / seconds, before, after, after - before,
                        RSS_TOLERANCE_MB);
                assertThat(mismatches).as("outputs differing from the single-threaded reference").isZero();
                assumeTrue(before > 0 && after > 0, "RSS check needs /proc/self/status (Linux); skipped on "
                        + System.getProperty("os.name"));
                assertThat(after - before).as("RSS growth in KB over %d calls", THREADS * CALLS)
                        .isLessThan(RSS_TOLERANCE_MB * 1024L);
            } finally {
                pool.shutdown();
                assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
            }
        }
    }

    private static int runAll(ExecutorService pool, Deblurrer d, List<FaceImage> inputs, List<FaceImage> expected,
                              int calls) throws Exception {
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Callable<Integer> task = () -> {
                int bad = 0;
                for (int i = 0; i < calls; i++) {
                    int k = (thread + i) % inputs.size();
                    if (!d.deblur(inputs.get(k)).equals(expected.get(k))) {
                        bad++;
                    }
                }
                return bad;
            };
            futures.add(pool.submit(task));
        }
        int bad = 0;
        for (Future<Integer> f : futures) {
            bad += f.get(10, TimeUnit.MINUTES);
        }
        return bad;
    }

    /** VmRSS of this process in KB after a GC; -1 on non-Linux. */
    private static long rssKb() throws IOException, InterruptedException {
        Path status = Paths.get("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(100);
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}

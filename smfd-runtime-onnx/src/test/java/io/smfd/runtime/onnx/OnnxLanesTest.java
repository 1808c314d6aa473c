package io.smfd.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.Device;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.ModelOutputs;
import io.smfd.spi.ModelSource;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Face-level parallelism of the onnx backend runs on threads it owns, no more than configured, and stops them at close. */
class OnnxLanesTest {

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble();
        }
        return a;
    }

    @Test
    void twoThreadsRunWholeFacesOnTheCallerAndOneOwnedThreadThenStop() throws Exception {
        Set<String> before = onnxThreads();
        OnnxInferenceBackend b = (OnnxInferenceBackend) new OnnxBackendProvider()
                .create(BackendConfig.of(Device.CPU, 2, ModelSource.bundled()));
        Set<String> mine = new HashSet<>();
        try {
            assertThat(onnxThreads()).as("no lane threads before the first batch").isEqualTo(before);
            Set<String> ran = ConcurrentHashMap.newKeySet();
            float[] in = random(3, 6 * 3 * 16 * 16);
            ModelOutputs first = null;
            for (int rep = 0; rep < 20 && ran.size() < 2; rep++) {
                ModelOutputs o = b.runFaces(in, 6, 16, 16, () -> ran.add(Thread.currentThread().getName()));
                if (first == null) {
                    first = o;
                } else {
                    assertThat(o.image()).containsExactly(first.image());
                }
            }
            assertThat(ran).as("threads that ran faces").hasSize(2).contains(Thread.currentThread().getName());
            mine.addAll(onnxThreads());
            mine.removeAll(before);
            assertThat(mine).as("threads the backend owns").hasSize(1);
            assertThat(ran).containsAll(mine);
        } finally {
            b.close();
        }
        assertThat(Collections.disjoint(onnxThreads(), mine)).as("lane threads stopped by close").isTrue();
    }

    @Test
    void oneThreadRunsABatchOnTheCallerOnly() {
        Set<String> before = onnxThreads();
        try (OnnxInferenceBackend b = (OnnxInferenceBackend) new OnnxBackendProvider()
                .create(BackendConfig.of(Device.CPU, 1, ModelSource.bundled()))) {
            Set<String> ran = ConcurrentHashMap.newKeySet();
            b.runFaces(random(4, 3 * 3 * 16 * 16), 3, 16, 16, () -> ran.add(Thread.currentThread().getName()));
            assertThat(ran).containsExactly(Thread.currentThread().getName());
            assertThat(onnxThreads()).isEqualTo(before);
        }
    }

    /** Concurrent single faces: the second caller runs on a lane session, with the same bits as the main session. */
    @Test
    void aFaceArrivingDuringAnotherCallRunsOnALaneWithTheSameBits() throws Exception {
        try (OnnxInferenceBackend b = (OnnxInferenceBackend) new OnnxBackendProvider()
                .create(BackendConfig.of(Device.CPU, 2, ModelSource.bundled()))) {
            float[] in = random(5, 3 * 64 * 64);
            float[] expected = b.infer(in, 1, 64, 64).image();
            assertThat(b.lanesOpen()).as("a lone face stays on the main session").isFalse();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!b.lanesOpen() && System.nanoTime() < deadline) {
                    java.util.List<java.util.concurrent.Future<float[]>> fs = new java.util.ArrayList<>();
                    for (int t = 0; t < 2; t++) {
                        fs.add(pool.submit(() -> b.infer(in, 1, 64, 64).image()));
                    }
                    for (java.util.concurrent.Future<float[]> f : fs) {
                        assertThat(f.get()).containsExactly(expected);
                    }
                }
                assertThat(b.lanesOpen()).as("overlapping calls used a lane").isTrue();
                for (int rep = 0; rep < 3; rep++) {
                    java.util.List<java.util.concurrent.Future<float[]>> fs = new java.util.ArrayList<>();
                    for (int t = 0; t < 2; t++) {
                        fs.add(pool.submit(() -> b.infer(in, 1, 64, 64).image()));
                    }
                    for (java.util.concurrent.Future<float[]> f : fs) {
                        assertThat(f.get()).containsExactly(expected);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Set<String> onnxThreads() {
        Set<String> names = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("smfd-onnx-")) {
                names.add(t.getName());
            }
        }
        return names;
    }
}

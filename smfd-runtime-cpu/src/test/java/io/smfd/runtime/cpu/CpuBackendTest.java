package io.smfd.runtime.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.BackendUnavailableException;
import io.smfd.DeblurResult;
import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.DeblurBackendProvider;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelOutputs;
import io.smfd.spi.ModelSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The provider contract, model validation messages, concurrency and the smfd-api integration. */
class CpuBackendTest {

    @TempDir
    Path tmp;

    private static byte[] replace(byte[] model, String from, String to) {
        byte[] a = from.getBytes(StandardCharsets.UTF_8);
        byte[] b = to.getBytes(StandardCharsets.UTF_8);
        assertThat(a).hasSameSizeAs(b);
        byte[] m = model.clone();
        int count = 0;
        outer:
        for (int i = 0; i + a.length <= m.length; i++) {
            for (int j = 0; j < a.length; j++) {
                if (m[i + j] != a[j]) {
                    continue outer;
                }
            }
            System.arraycopy(b, 0, m, i, b.length);
            count++;
        }
        assertThat(count).as("occurrences of " + from).isPositive();
        return m;
    }

    private BackendConfig config(byte[] model, Device device, int threads) throws Exception {
        Path f = tmp.resolve("m" + System.nanoTime() + ".onnx");
        Files.write(f, model);
        return BackendConfig.of(device, threads, ModelSource.file(f));
    }

    @Test
    void providerIsRegisteredWithNameAndPriority() {
        List<String> names = new ArrayList<>();
        for (DeblurBackendProvider p : ServiceLoader.load(DeblurBackendProvider.class)) {
            names.add(p.name());
        }
        assertThat(names).contains("cpu");
        CpuBackendProvider p = new CpuBackendProvider();
        assertThat(p.name()).isEqualTo("cpu");
        assertThat(p.priority()).isEqualTo(100);
    }

    @Test
    void gpuIsUnavailableWithReasonCpuAndAutoAvailable() throws Exception {
        CpuBackendProvider p = new CpuBackendProvider();
        BackendConfig gpu = BackendConfig.of(Device.GPU, 1, ModelSource.bundled());
        assertThat(p.probe(gpu).available()).isFalse();
        assertThat(p.probe(gpu).reason()).contains("CPU only");
        assertThatThrownBy(() -> p.create(gpu)).isInstanceOf(BackendUnavailableException.class);
        assertThat(p.probe(BackendConfig.of(Device.AUTO, 2, ModelSource.bundled())).available()).isTrue();
        assertThat(p.probe(BackendConfig.of(Device.CPU, 2, ModelSource.bundled())).reason()).contains("kernels");
    }

    @Test
    void bundledModelRunsWithShapesAndValidProbabilities() {
        try (InferenceBackend b = new CpuBackendProvider().create(BackendConfig.of(Device.CPU, 2, ModelSource.bundled()))) {
            assertThat(b.modelInfo().classNames()).hasSize(8);
            assertThat(b.modelInfo().sizeMultiple()).isEqualTo(8);
            assertThat(b.device()).isEqualTo(Device.CPU);
            ModelOutputs out = b.infer(TestModels.random(3, 2 * 3 * 24 * 32), 2, 24, 32);
            assertThat(out.batch()).isEqualTo(2);
            assertThat(out.classes()).isEqualTo(8);
            assertThat(out.image()).hasSize(2 * 3 * 24 * 32);
            for (float v : out.image()) {
                assertThat(v).isBetween(0f, 1f);
            }
            float[] m = out.masks();
            int plane = 24 * 32;
            for (int n = 0; n < 2; n++) {
                for (int i = 0; i < plane; i++) {
                    double s = 0;
                    for (int c = 0; c < 8; c++) {
                        s += m[(n * 8 + c) * plane + i];
                    }
                    assertThat(s).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
                }
            }
            assertThatThrownBy(() -> b.infer(new float[10], 1, 8, 8)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.infer(new float[3 * 12 * 8], 1, 12, 8))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiples of 8");
        }
    }

    @Test
    void concurrentCallsMatchSequentialResults() throws Exception {
        try (InferenceBackend b = new CpuBackendProvider().create(BackendConfig.of(Device.CPU, 2, ModelSource.bundled()))) {
            int[][] sizes = {{32, 32}, {40, 24}, {32, 32}, {16, 48}};
            float[][] inputs = new float[sizes.length][];
            float[][] expected = new float[sizes.length][];
            for (int i = 0; i < sizes.length; i++) {
                inputs[i] = TestModels.random(100 + i, 3 * sizes[i][0] * sizes[i][1]);
                expected[i] = b.infer(inputs[i], 1, sizes[i][0], sizes[i][1]).image();
            }
            ExecutorService ex = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 24; t++) {
                    int i = t % sizes.length;
                    fs.add(ex.submit(() -> {
                        float[] got = b.infer(inputs[i], 1, sizes[i][0], sizes[i][1]).image();
                        assertThat(got).containsExactly(expected[i]);
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                ex.shutdownNow();
            }
        }
    }

    /** An unsupported operator, missing format metadata and a renamed output are each named in the message. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"Softmax, Hardmax, Hardmax", "smfd.format, smfd.formaX, smfd.format", "masks, maskz, masks"})
    void incompatibleModelIsNamed(String from, String to, String named) throws Exception {
        byte[] m = replace(TestModels.modelBytes(), from, to);
        assertThatThrownBy(() -> new CpuBackendProvider().create(config(m, Device.CPU, 1)))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining(named);
    }

    @Test
    void truncatedAndGarbageFilesAreCorrupt() throws Exception {
        byte[] full = TestModels.modelBytes();
        byte[] truncated = java.util.Arrays.copyOf(full, full.length / 2);
        assertThatThrownBy(() -> new CpuBackendProvider().create(config(truncated, Device.CPU, 1)))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.CORRUPT_MODEL)
                .hasMessageContaining("exceeds");
        byte[] text = "this is not an onnx model".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new CpuBackendProvider().create(config(text, Device.CPU, 1)))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.CORRUPT_MODEL);
        assertThatThrownBy(() -> new CpuBackendProvider().create(config(new byte[0], Device.CPU, 1)))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.CORRUPT_MODEL)
                .hasMessageContaining("empty");
    }

    @Test
    void deblurrerUsesCpuBackendByName() {
        try (Deblurrer d = Deblurrer.builder().backend("cpu").threads(2).build()) {
            assertThat(d.backendName()).isEqualTo("cpu");
            float[] rgb = TestModels.random(9, 3 * 37 * 45);
            DeblurResult r = d.deblurWithMasks(FaceImage.fromPlanarFloat(45, 37, rgb));
            assertThat(r.image().width()).isEqualTo(45);
            assertThat(r.image().height()).isEqualTo(37);
        }
    }

    /**
     * A batch of distinct faces (odd count: whole faces on both threads, then the last face split over the pool)
     * gives every face bit-for-bit the output it gets alone, in its own slot; the faces' outputs all differ, so a
     * mix-up or reordering would fail.
     */
    @ParameterizedTest(name = "threads={0}")
    @CsvSource({"1", "2"})
    void batchGivesEachFaceItsOwnOutputBitForBit(int threads) {
        try (InferenceBackend b = new CpuBackendProvider().create(BackendConfig.of(Device.CPU, threads, ModelSource.bundled()))) {
            int n = 5;
            int h = 24;
            int w = 32;
            int len = 3 * h * w;
            int mlen = 8 * h * w;
            float[] batch = new float[n * len];
            float[][] image = new float[n][];
            float[][] masks = new float[n][];
            for (int i = 0; i < n; i++) {
                float[] face = TestModels.random(500 + i, len);
                System.arraycopy(face, 0, batch, i * len, len);
                ModelOutputs alone = b.infer(face, 1, h, w);
                image[i] = alone.image();
                masks[i] = alone.masks();
            }
            ModelOutputs all = b.infer(batch, n, h, w);
            for (int i = 0; i < n; i++) {
                assertThat(java.util.Arrays.copyOfRange(all.image(), i * len, (i + 1) * len)).as("image " + i)
                        .containsExactly(image[i]);
                assertThat(java.util.Arrays.copyOfRange(all.masks(), i * mlen, (i + 1) * mlen)).as("masks " + i)
                        .containsExactly(masks[i]);
                for (int j = 0; j < i; j++) {
                    assertThat(image[i]).as("faces " + j + " and " + i + " differ").isNotEqualTo(image[j]);
                }
            }
        }
    }

    /** The pool a whole face runs on: the caller only, but the nominal thread count (so layers split as on the real pool). */
    @Test
    void inlinePoolRunsOnTheCallerButReportsItsNominalThreads() {
        Parallel inline = Parallel.inline(3);
        assertThat(inline.threads()).isEqualTo(3);
        Thread caller = Thread.currentThread();
        java.util.Set<Thread> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        inline.forEach(64, i -> seen.add(Thread.currentThread()));
        assertThat(seen).containsExactly(caller);
        inline.close();
    }

    /** Face-level parallelism on the backend's own threads: both threads run faces, and none survive close. */
    @Test
    void batchRunsOnTheBackendsThreadsAndCloseStopsThem() throws Exception {
        java.util.Set<String> before = cpuThreads();
        java.util.Set<String> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CpuBackend b = (CpuBackend) new CpuBackendProvider().create(BackendConfig.of(Device.CPU, 2, ModelSource.bundled()));
        java.util.Set<String> mine = new java.util.HashSet<>(cpuThreads());
        mine.removeAll(before);
        assertThat(mine).as("worker threads of a 2-thread backend").hasSize(1);
        try {
            int h = 16;
            int w = 16;
            float[] in = TestModels.random(77, 8 * 3 * h * w);
            for (int rep = 0; rep < 20 && ran.size() < 2; rep++) {
                b.infer(in, 8, h, w, () -> ran.add(Thread.currentThread().getName()));
            }
            assertThat(ran).as("threads that ran whole faces").hasSize(2).contains(Thread.currentThread().getName());
        } finally {
            b.close();
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!java.util.Collections.disjoint(cpuThreads(), mine) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(cpuThreads()).as("worker threads after close").doesNotContainAnyElementsOf(mine);
    }

    /** Where two faces' plans do not fit the memory budget, a batch runs face after face split over the pool. */
    @Test
    void batchSplitsEachFaceWhenTwoPlansExceedTheBudget() {
        Network net = CpuBackendProvider.load(TestModels.modelBytes(), "bundled model");
        int h = 32;
        int w = 32;
        long one = new Plan(net, 1, h, w).bytes;
        float[] in = TestModels.random(91, 4 * 3 * h * w);
        java.util.Set<String> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
        float[] expected;
        try (CpuBackend roomy = new CpuBackend(net, KernelSelector.get(), 2)) {
            expected = roomy.infer(in, 4, h, w).image();
        }
        try (CpuBackend tight = new CpuBackend(net, KernelSelector.get(), 2, one + one / 2)) {
            float[] got = tight.infer(in, 4, h, w, () -> ran.add(Thread.currentThread().getName())).image();
            assertThat(got).containsExactly(expected);
            assertThat(ran).as("faces run by the caller only").containsExactly(Thread.currentThread().getName());
            assertThat(tight.peakReserved()).isLessThanOrEqualTo(one + one / 2);
        }
    }

    private static java.util.Set<String> cpuThreads() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("smfd-cpu-")) {
                names.add(t.getName());
            }
        }
        return names;
    }
}

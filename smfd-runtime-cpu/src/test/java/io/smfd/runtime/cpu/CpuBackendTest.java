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
}

package io.smfd.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtProvider;
import io.smfd.BackendUnavailableException;
import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.spi.Availability;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.EnumSet;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Device selection on this GPU-less machine: explicit GPU fails with the reason, AUTO falls back with one log line. */
class OnnxDeviceTest {

    private static final String NO_GPU_JAR = "onnxruntime_gpu not on classpath: ORT providers = [CPU]";

    private static BackendConfig config(Device device) {
        return BackendConfig.of(device, 1, ModelSource.file(Faces.modelFile()));
    }

    @Test
    void gpuRequestFailsWithTheReasonWithoutGpuRuntime() {
        assumeFalse(OrtRuntime.availableProviders().contains(OrtProvider.CUDA),
                "onnxruntime_gpu is on the class path; this test covers the CPU-only artifact");
        assertThatThrownBy(() -> Deblurrer.builder().backend("onnx").device(Device.GPU).model(Faces.modelFile()).build())
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining(NO_GPU_JAR);
        OnnxBackendProvider provider = new OnnxBackendProvider();
        Availability a = provider.probe(config(Device.GPU));
        assertThat(a.available()).isFalse();
        assertThat(a.reason()).contains(NO_GPU_JAR);
        assertThatThrownBy(() -> provider.create(config(Device.GPU)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining(NO_GPU_JAR);
    }

    @Test
    void autoFallsBackToCpuAndLogsTheChoiceOnce() {
        assumeFalse(OrtRuntime.availableProviders().contains(OrtProvider.CUDA), "GPU runtime present");
        OnnxBackendProvider.resetAutoLog();
        String log = captureStderr(() -> {
            for (int i = 0; i < 3; i++) {
                try (Deblurrer d = Deblurrer.builder().backend("onnx").device(Device.AUTO).threads(1)
                        .model(Faces.modelFile()).build()) {
                    assertThat(d.device()).isEqualTo(Device.CPU);
                }
            }
        });
        assertThat(log.lines().filter(l -> l.contains("device AUTO ->")).count()).as(log).isEqualTo(1);
        assertThat(log).contains("device AUTO -> CPU (" + NO_GPU_JAR);
        assertThat(new OnnxBackendProvider().probe(config(Device.AUTO)).available()).isTrue();
    }

    @Test
    void cudaRuntimeWithoutDriverReportsTheDriver() {
        String reason = "CUDA driver libcuda.so.1 not found (simulated)";
        OnnxBackendProvider provider = new OnnxBackendProvider(
                new GpuProbe(() -> EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA), () -> reason));
        Availability a = provider.probe(config(Device.GPU));
        assertThat(a.available()).isFalse();
        assertThat(a.reason()).contains(reason);
        assertThatThrownBy(() -> provider.create(config(Device.GPU)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining(reason);
        try (InferenceBackend b = provider.create(config(Device.AUTO))) {
            assertThat(b.device()).isEqualTo(Device.CPU);
        }
    }

    @Test
    void gpuThatPassesTheProbeButCannotStartFailsExplicitlyAndFallsBackUnderAuto() {
        assumeFalse(OrtRuntime.availableProviders().contains(OrtProvider.CUDA), "GPU runtime present");
        // Pretend the probe passed (TensorRT + CUDA compiled in, driver present): the CPU-only ORT then
        // refuses the CUDA execution provider, which must surface as the reason, not as a CPU session.
        OnnxBackendProvider provider = new OnnxBackendProvider(new GpuProbe(
                () -> EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA, OrtProvider.TENSOR_RT), () -> null));
        assertThat(provider.probe(config(Device.GPU)).available()).isTrue();
        assertThatThrownBy(() -> provider.create(config(Device.GPU)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("CUDA execution provider cannot start");
        OnnxBackendProvider.resetAutoLog();
        String log = captureStderr(() -> {
            try (InferenceBackend b = provider.create(config(Device.AUTO))) {
                assertThat(b.device()).isEqualTo(Device.CPU);
            }
        });
        assertThat(log).contains("device AUTO -> CPU (GPU probe passed but the GPU session failed");
    }

    @Test
    void realDriverProbeExplainsWhyThereIsNoGpu() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"), "Linux only");
        assumeFalse(Files.exists(Paths.get("/dev/nvidia0")), "this machine has an NVIDIA GPU");
        String reason = GpuProbe.checkCudaDriver();
        assertThat(reason).isNotNull().contains("libcuda.so.1");
        GpuProbe.Result r = GpuProbe.SYSTEM.probe();
        assertThat(r.available()).isFalse();
        assertThat(GpuProbe.SYSTEM.probe()).as("cached").isSameAs(r);
    }

    @Test
    void cpuIsAlwaysAvailable() {
        Availability a = new OnnxBackendProvider().probe(config(Device.CPU));
        assertThat(a.available()).isTrue();
        assertThat(a.reason()).contains("ONNX Runtime 1.23.2").contains("CPU");
        assertThat(Deblurrer.backends()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("onnx");
            assertThat(s.priority()).isEqualTo(200);
        });
    }

    private static synchronized String captureStderr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        String s = bytes.toString(StandardCharsets.UTF_8);
        old.print(s);
        return s;
    }
}

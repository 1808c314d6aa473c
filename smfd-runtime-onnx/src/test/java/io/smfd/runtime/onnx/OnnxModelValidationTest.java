package io.smfd.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import io.smfd.SmfdException;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the shipped model, a user file, and rejecting corrupt, empty and foreign ONNX files. */
class OnnxModelValidationTest {

    @TempDir
    Path tmp;

    private final OnnxBackendProvider provider = new OnnxBackendProvider();

    private InferenceBackend create(byte[] model) throws IOException {
        Path f = Files.write(tmp.resolve("model-" + System.nanoTime() + ".onnx"), model);
        return provider.create(BackendConfig.of(Device.CPU, 1, ModelSource.file(f)));
    }

    @Test
    void bundledModelIsTheDefault() {
        try (Deblurrer d = Deblurrer.builder().backend("onnx").device(Device.CPU).threads(1).build()) {
            FaceImage in = FaceImage.fromPlanarFloat(16, 16, new float[3 * 16 * 16]);
            assertThat(d.deblur(in).width()).isEqualTo(16);
        }
    }

    @Test
    void userSuppliedModelFileLoads() throws IOException {
        try (InferenceBackend b = create(Faces.modelBytes())) {
            assertThat(b.modelInfo().classNames()).hasSize(8);
        }
    }

    @Test
    void truncatedModelGivesTheModelException() throws IOException {
        byte[] full = Faces.modelBytes();
        for (int len : new int[] {full.length / 2, full.length - 1000, 64}) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThatThrownBy(() -> create(cut)).as("truncated to %d of %d bytes", len, full.length)
                    .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.CORRUPT_MODEL)
                    .hasMessageContaining("is not a valid ONNX file");
        }
        // and through the public API
        Path f = Files.write(tmp.resolve("truncated.onnx"), Arrays.copyOf(full, full.length / 3));
        assertThatThrownBy(() -> Deblurrer.builder().backend("onnx").device(Device.CPU).model(f).build())
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.CORRUPT_MODEL)
                .hasMessageContaining(f.toAbsolutePath().toString());
    }

    @Test
    void emptyFileGivesTheModelException() throws IOException {
        Path f = Files.write(tmp.resolve("empty.onnx"), new byte[0]);
        assertThatThrownBy(() -> Deblurrer.builder().backend("onnx").device(Device.CPU).model(f).build())
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.CORRUPT_MODEL)
                .hasMessageContaining("is empty");
    }

    /**
     * Issue 28: an empty bundled model cannot be fixed by omitting model(...) (that is what was used); the hint
     * says the artifact is damaged. An empty file keeps the omit-model hint. The bundled jar cannot be emptied from
     * a test, so the message is checked where the backend builds it.
     */
    @Test
    void emptyBundledModelDoesNotSayOmitModel() {
        ModelException bundled = OnnxBackendProvider.emptyModel(ModelSource.bundled());
        assertThat(bundled.reason()).isEqualTo(Reason.CORRUPT_MODEL);
        assertThat(bundled.getMessage()).contains("bundled model").contains("is empty (0 bytes)")
                .contains("damaged").doesNotContain("omit model(");
        ModelException file = OnnxBackendProvider.emptyModel(ModelSource.file(tmp.resolve("empty.onnx")));
        assertThat(file.getMessage()).contains("empty.onnx").contains("omit model(...)");
    }

    @Test
    void missingFileGivesModelNotFound() {
        assertThatThrownBy(() -> provider.create(BackendConfig.of(Device.CPU, 1,
                ModelSource.file(tmp.resolve("nope.onnx")))))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.MODEL_NOT_FOUND);
    }

    @Test
    void nonOnnxBytesGiveTheModelException() throws IOException {
        byte[] text = "this is not an ONNX model, just some text\n".repeat(50).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> create(text)).isInstanceOf(ModelException.class);
    }

    @Test
    void foreignOnnxModelWithoutSmfdMetadataIsIncompatible() throws IOException {
        byte[] foreign = new TinyOnnx().input("x", TinyOnnx.FLOAT, 1L, 3L, 8L, 8L).output("y").build();
        assertThatThrownBy(() -> create(foreign))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("smfd.format")
                .hasMessageContaining("not a usable SMFD-UNet model");
    }

    @Test
    void wrongFormatVersionIsIncompatible() throws IOException {
        byte[] m = new TinyOnnx().smfdMetadata().meta("smfd.format", "smfd-unet/2").output("image").output("masks")
                .build();
        assertThatThrownBy(() -> create(m)).isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("smfd-unet/2");
    }

    @Test
    void missingOutputIsIncompatible() throws IOException {
        byte[] m = new TinyOnnx().smfdMetadata().output("image").build();
        assertThatThrownBy(() -> create(m)).isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("no output named 'masks'");
    }

    @Test
    void wrongInputNameTypeOrRankIsIncompatible() throws IOException {
        byte[] name = new TinyOnnx().smfdMetadata().input("pixels", TinyOnnx.FLOAT, "N", 3L, "H", "W")
                .output("image").output("masks").build();
        assertThatThrownBy(() -> create(name)).isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("exactly one input named 'input'");
        byte[] type = new TinyOnnx().smfdMetadata().input("input", TinyOnnx.INT64, "N", 3L, "H", "W")
                .output("image").output("masks").build();
        assertThatThrownBy(() -> create(type)).isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("float32");
        byte[] rank = new TinyOnnx().smfdMetadata().input("input", TinyOnnx.FLOAT, "N", 3L, "H")
                .output("image").output("masks").build();
        assertThatThrownBy(() -> create(rank)).isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("rank 4");
        byte[] channels = new TinyOnnx().smfdMetadata().input("input", TinyOnnx.FLOAT, "N", 1L, "H", "W")
                .output("image").output("masks").build();
        assertThatThrownBy(() -> create(channels)).isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("3 channels");
    }

    @Test
    void modelCardContradictingTheMetadataIsIncompatible() throws IOException {
        byte[] m = new TinyOnnx().smfdMetadata()
                .meta("smfd.model_card", "{\"format\": \"smfd-unet/1\", \"classes\": [\"background\", \"skin\"]}")
                .output("image").output("masks").build();
        assertThatThrownBy(() -> create(m)).isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("model card lists classes");
    }

    @Test
    void maskChannelsMustMatchTheClasses() throws IOException {
        byte[] m = new TinyOnnx().smfdMetadata().output("image").output("masks").build(); // masks [N,3,H,W]
        assertThatThrownBy(() -> create(m)).isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("'masks' must have 8 channels");
    }

    @Test
    void outputShapesAreCheckedAtRunTime() throws IOException {
        // Passes the static checks (dynamic dims) but its 'masks' has 3 channels instead of 8.
        byte[] m = new TinyOnnx().smfdMetadata().input("input", TinyOnnx.FLOAT, "N", "C", "H", "W")
                .output("image").output("masks").build();
        try (InferenceBackend b = create(m)) {
            assertThat(b.modelInfo().version()).isEqualTo("0.0.1-test");
            assertThatThrownBy(() -> b.infer(new float[3 * 8 * 8], 1, 8, 8))
                    .isInstanceOf(SmfdException.class).hasFieldOrPropertyWithValue("reason", Reason.INFERENCE_FAILED)
                    .hasMessageContaining("'masks' with shape [1, 3, 8, 8], expected [1, 8, 8, 8]");
        }
    }

    @Test
    void inferValidatesArgumentsAndClosedState() throws IOException {
        InferenceBackend b = create(Faces.modelBytes());
        assertThatThrownBy(() -> b.infer(new float[3 * 8 * 8], 1, 8, 9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.infer(new float[5], 1, 8, 8)).isInstanceOf(IllegalArgumentException.class);
        b.close();
        b.close(); // idempotent
        assertThatThrownBy(() -> b.infer(new float[3 * 8 * 8], 1, 8, 8)).isInstanceOf(IllegalStateException.class);
    }
}

package io.smfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.SmfdException.Reason;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeblurrerBuilderTest {

    @TempDir
    Path tmp;

    @Test
    void builderFailsFastOnBadArguments() {
        Deblurrer.Builder b = Deblurrer.builder();
        assertThatThrownBy(() -> b.backend(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> b.backend(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.device(null)).isInstanceOf(NullPointerException.class).hasMessage("device");
        assertThatThrownBy(() -> b.threads(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> b.model(null)).isInstanceOf(NullPointerException.class).hasMessage("onnxFile");
        assertThatThrownBy(() -> b.model(tmp.resolve("missing.onnx")))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.MODEL_NOT_FOUND).hasMessageContaining("missing.onnx");
    }

    @Test
    void defaultThreadsIsBounded() {
        assertThat(BackendConfig.defaultThreads()).isBetween(1, 4);
        assertThat(BackendConfig.defaults().device()).isEqualTo(Device.AUTO);
        assertThat(BackendConfig.defaults().model().isBundled()).isTrue();
    }

    @Test
    void modelSourceErrors() throws Exception {
        assertThatThrownBy(() -> ModelSource.file(tmp.resolve("nope.onnx")).readBytes())
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.MODEL_NOT_FOUND).hasMessageContaining("nope.onnx");
        Path f = Files.write(tmp.resolve("m.onnx"), new byte[] {1, 2, 3});
        assertThat(ModelSource.file(f).readBytes()).containsExactly(1, 2, 3);
        assertThat(ModelSource.file(f).path()).contains(f);
        // smfd-api's tests do not have io.smfd:smfd-model on the class path
        assertThatThrownBy(() -> ModelSource.bundled().readBytes())
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.MODEL_NOT_FOUND).hasMessageContaining("add io.smfd:smfd-model");
    }

    @Test
    void modelInfoFromMetadata() {
        ModelMetadata info = ModelMetadata.fromMetadata(Map.of("smfd.format", "smfd-unet/1", "smfd.version", "0.1",
                "smfd.classes", "background, skin,hair", "smfd.size_multiple", "8"));
        assertThat(info.classNames()).containsExactly("background", "skin", "hair");
        assertThat(info.sizeMultiple()).isEqualTo(8);
        assertThat(info.version()).isEqualTo("0.1");
        assertThatThrownBy(() -> ModelMetadata.fromMetadata(Map.of()))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL).hasMessageContaining("smfd.format");
        assertThatThrownBy(() -> ModelMetadata.fromMetadata(Map.of("smfd.format", "smfd-unet/2",
                "smfd.classes", "a", "smfd.size_multiple", "8")))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL).hasMessageContaining("smfd-unet/2");
        assertThatThrownBy(() -> ModelMetadata.fromMetadata(Map.of("smfd.format", "smfd-unet/1",
                "smfd.classes", "a,b", "smfd.size_multiple", "eight")))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL).hasMessageContaining("eight");
        assertThatThrownBy(() -> ModelMetadata.fromMetadata(Map.of("smfd.format", "smfd-unet/1",
                "smfd.classes", "a,,b", "smfd.size_multiple", "8")))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL);
    }

    @Test
    void everyReasonBelongsToExactlyOneOfTheFourExceptionClasses() {
        assertThat(SmfdException.class.getPermittedSubclasses()).containsExactlyInAnyOrder(
                InvalidImageException.class, ModelException.class, BackendUnavailableException.class);
        for (Reason r : Reason.values()) {
            assertThat(r.exceptionType()).isIn(SmfdException.class, InvalidImageException.class,
                    ModelException.class, BackendUnavailableException.class);
        }
        assertThat(new ModelException(Reason.CORRUPT_MODEL, "m").reason()).isEqualTo(Reason.CORRUPT_MODEL);
        assertThat(new SmfdException(Reason.CLOSED, "c").reason()).isEqualTo(Reason.CLOSED);
        assertThat(new BackendUnavailableException("b").reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE);
        assertThat(new InvalidImageException("i").width()).isEmpty();
        assertThatThrownBy(() -> new ModelException(Reason.CLOSED, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CLOSED is carried by SmfdException");
        assertThatThrownBy(() -> new SmfdException(Reason.MODEL_NOT_FOUND, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("carried by ModelException");
        assertThatThrownBy(() -> new SmfdException(null, "x")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void modelChoiceAndTheAutoKnobFailFast() {
        Deblurrer.Builder b = Deblurrer.builder();
        assertThatThrownBy(() -> b.modelChoice(null)).isInstanceOf(NullPointerException.class).hasMessage("choice");
        assertThatThrownBy(() -> b.autoMotionThreshold(-0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 0");
        assertThatThrownBy(() -> b.autoMotionThreshold(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        // the knob without AUTO is a mistake: refused before any backend or model is looked up
        assertThatThrownBy(() -> Deblurrer.builder().autoMotionThreshold(0.6).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("AUTO").hasMessageContaining("SMFD");
        assertThatThrownBy(() -> Deblurrer.builder().modelChoice(ModelChoice.MAXIM).autoMotionThreshold(0.6).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("MAXIM");
    }

    @Test
    void passThroughThresholdFailsFast() {
        Deblurrer.Builder b = Deblurrer.builder();
        assertThatThrownBy(() -> b.passThroughBelow(-0.01)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> b.passThroughBelow(1.01)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.passThroughBelow(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        // the knob has no meaning when every face is deblurred: refused before any backend is looked up
        assertThatThrownBy(() -> Deblurrer.builder().sharpFaces(SharpFacePolicy.DEBLUR).passThroughBelow(0.2).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PASS_THROUGH").hasMessageContaining("DEBLUR");
    }

    @Test
    void modelChoiceDefaultsAndMeanings() {
        assertThat(ModelChoice.SMFD.usesMaxim()).isFalse();
        assertThat(ModelChoice.MAXIM.usesMaxim()).isTrue();
        assertThat(ModelChoice.AUTO.usesMaxim()).isTrue();
        assertThat(DeblurModel.MAXIM.artifact()).isEqualTo("io.smfd:smfd-model-maxim");
        assertThat(DeblurModel.SMFD.artifact()).isEqualTo("io.smfd:smfd-model");
        assertThat(ModelSource.bundled(DeblurModel.MAXIM).model()).isEqualTo(DeblurModel.MAXIM);
        assertThat(ModelSource.bundled(DeblurModel.SMFD)).isEqualTo(ModelSource.bundled());
        assertThat(ModelSource.bundled(DeblurModel.MAXIM)).isNotEqualTo(ModelSource.bundled());
        assertThat(ModelSource.bundled(DeblurModel.MAXIM).description()).contains("io.smfd:smfd-model-maxim");
        ModelMetadata m = ModelMetadata.imageOnly("1", 64);
        assertThat(m.classNames()).isEmpty();
        assertThat(m.sizeMultiple()).isEqualTo(64);
        assertThatThrownBy(() -> ModelMetadata.imageOnly("1", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deblurResultNamesTheModel() {
        FaceImage img = FaceImage.fromPlanarFloat(16, 16, new float[3 * 16 * 16]);
        BlurAssessment a = BlurAssessment.of(0.9, 3);
        DeblurResult smfd = new DeblurResult(img, java.util.Optional.empty(), a, true);
        DeblurResult maxim = new DeblurResult(img, java.util.Optional.empty(), a, java.util.Optional.of(DeblurModel.MAXIM));
        DeblurResult passed = new DeblurResult(img, java.util.Optional.empty(), a, java.util.Optional.empty());
        assertThat(smfd.model()).contains(DeblurModel.SMFD);
        assertThat(maxim.model()).contains(DeblurModel.MAXIM);
        assertThat(maxim.deblurred()).isTrue();
        assertThat(passed.deblurred()).isFalse();
        assertThat(passed.model()).isEmpty();
        assertThat(new DeblurResult(img, java.util.Optional.empty(), a, false).model()).isEmpty();
        assertThat(maxim).isNotEqualTo(smfd);
        assertThat(maxim.toString()).contains("MAXIM");
    }
}

package io.smfd.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.degrade.DegradationPipeline;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Restoration quality on held-out faces with the bundled (trained) model: a regression here means the model or
 * the onnx backend got worse.
 * Run alone: {@code mvn -pl smfd-runtime-onnx -am verify -Dtest=OnnxQualityTest -Dsurefire.failIfNoSpecifiedTests=false};
 * leave it out: {@code -DexcludedGroups=trained-model}.
 */
@Tag("trained-model")
class OnnxQualityTest {

    private static final int FACES = 6;

    @Test
    void psnrImprovesOnBlurredFaces() {
        double gaussGain = 0;
        double specGain = 0;
        int gaussImproved = 0;
        StringBuilder report = new StringBuilder();
        DegradationPipeline spec = DegradationPipeline.defaults();
        try (Deblurrer d = Faces.onnxOnCpu(2)) {
            for (int i = 0; i < FACES; i++) {
                FaceImage sharp = Faces.evalFace(40 + i);
                FaceImage blurred = Faces.gaussianBlur(sharp, 1.6);
                double before = Faces.psnr(blurred, sharp);
                double after = Faces.psnr(d.deblur(blurred), sharp);
                gaussGain += after - before;
                if (after > before) {
                    gaussImproved++;
                }
                FaceImage degraded = spec.apply(sharp, 1000L + i);
                double before2 = Faces.psnr(degraded, sharp);
                double after2 = Faces.psnr(d.deblur(degraded), sharp);
                specGain += after2 - before2;
                report.append(String.format("face %d: gaussian %.2f -> %.2f dB, spec-v1 %.2f -> %.2f dB%n",
                        4540 + i, before, after, before2, after2));
            }
        }
        gaussGain /= FACES;
        specGain /= FACES;
        System.out.printf("OnnxQualityTest (mean gain: gaussian %+.2f dB, spec-v1 %+.2f dB)%n%s", gaussGain,
                specGain, report);
        String hint = "; the bundled smfd-unet.onnx (model card training.trained=true) passes this, so a failure"
                + " means the model or the onnx backend regressed.\n" + report;
        assertThat(gaussGain).as("mean PSNR gain on Gaussian-blurred faces (sigma 1.6), dB" + hint)
                .isGreaterThan(0.5);
        assertThat(gaussImproved).as("faces improved (of " + FACES + ")" + hint).isGreaterThanOrEqualTo(FACES - 1);
        assertThat(specGain).as("mean PSNR gain on spec-v1 degraded faces, dB" + hint).isGreaterThan(0.0);
    }
}

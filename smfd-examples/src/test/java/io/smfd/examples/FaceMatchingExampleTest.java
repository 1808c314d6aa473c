package io.smfd.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.degrade.DegradationPipeline;
import io.smfd.identity.FaceDescriptor;
import io.smfd.identity.MobileFace;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** {@link FaceMatchingExample} with the {@link FaceDescriptor} matcher. */
class FaceMatchingExampleTest {

    @Test
    void decisionUsesTheSamePersonThreshold() {
        assertThat(FaceMatchingExample.decision(0.0)).isEqualTo("same person");
        assertThat(FaceMatchingExample.decision(0.5999)).isEqualTo("same person");
        assertThat(FaceMatchingExample.decision(0.6)).isEqualTo("different person");
        assertThat(FaceMatchingExample.decision(Double.NaN)).isEqualTo("different person");
    }

    @Test
    void rejectsMissingArguments() {
        FaceImage face = FaceImage.fromBufferedImage(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB));
        assertThatNullPointerException().isThrownBy(() -> FaceMatchingExample.compare(null, null, face, null, 1))
                .withMessageContaining("deblurrer");
        assertThatIllegalArgumentException().isThrownBy(() -> FaceMatchingExample.run(new String[] {"--seed"}))
                .withMessageContaining("--seed");
    }

    @Test
    void runsOnARealHeldOutFace() throws Exception {
        Path eval = FaceMatchingExample.defaultEvalImages();
        assumeTrue(eval != null && Files.isRegularFile(eval.resolve("4500.jpg")),
                "needs ../shared/data/celebamask-hq-mini/eval/images (CelebAMask-HQ, not in the repository)");
        FaceImage gallery = FaceImage.fromBufferedImage(ImageIO.read(eval.resolve("4500.jpg").toFile()));
        FaceImage other = FaceImage.fromBufferedImage(ImageIO.read(eval.resolve("4501.jpg").toFile()));
        FaceMatchingExample.Result r;
        try (Deblurrer d = Deblurrer.builder().threads(2).build(); FaceDescriptor fd = FaceDescriptor.create();
             MobileFace mf = MobileFace.create()) {
            r = FaceMatchingExample.compare(d, fd, mf, gallery, other, FaceMatchingExample.DEFAULT_SEED);
            assertThat(FaceMatchingExample.compare(d, fd, gallery, other, FaceMatchingExample.DEFAULT_SEED).arcFace())
                    .containsOnly(Double.NaN);
            // the descriptor of an unchanged face is identical: distance 0
            assertThat(FaceDescriptor.distance(fd.describe(gallery), fd.describe(gallery))).isZero();
        }
        // the degraded and the deblurred probe are still the same person, the other face is not
        assertThat(r.blurry()).isFinite().isBetween(0.0, FaceDescriptor.SAME_PERSON_THRESHOLD);
        assertThat(r.deblurred()).isFinite().isBetween(0.0, FaceDescriptor.SAME_PERSON_THRESHOLD);
        assertThat(r.other()).isGreaterThan(FaceDescriptor.SAME_PERSON_THRESHOLD);
        assertThat(FaceMatchingExample.decision(r.other())).isEqualTo("different person");
        assertThat(r.degradation()).isEqualTo(DegradationPipeline.defaults()
                .sample(FaceMatchingExample.DEFAULT_SEED).describe());
        assertThat(r.backend()).isNotBlank();
        // ArcFace family: the probes are far closer to the gallery than the other person (impostor median ~0.5)
        assertThat(r.arcFace()[0]).isBetween(0.0, 0.3);
        assertThat(r.arcFace()[1]).isBetween(0.0, 0.3);
        assertThat(r.arcFace()[2]).isGreaterThan(0.3);
    }
}

package io.smfd.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.degrade.DegradationPipeline;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** {@link FaceMatchingExample} and {@link LbpEmbedding}. */
class FaceMatchingExampleTest {

    @Test
    void embeddingIsUnitLengthAndSelfSimilar() throws Exception {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                double dx = (x - 32) / 64.0;
                double dy = (y - 32) / 64.0;
                int skin = dx * dx + dy * dy < 0.1 ? 200 : 60;
                img.setRGB(x, y, (skin << 16) | ((x * 4) << 8) | (y * 4));
            }
        }
        FaceImage a = FaceImage.fromBufferedImage(img);
        float[] e = LbpEmbedding.embed(a);
        assertThat(e).hasSize(LbpEmbedding.DIMENSION);
        double norm = 0;
        for (float v : e) {
            assertThat(v).isBetween(0f, 1f);
            norm += v * v;
        }
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(LbpEmbedding.cosine(e, LbpEmbedding.embed(a))).isCloseTo(1.0,
                org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void runsOnARealHeldOutFace() throws Exception {
        Path eval = FaceMatchingExample.defaultEvalImages();
        assumeTrue(eval != null && Files.isRegularFile(eval.resolve("4500.jpg")),
                "needs ../shared/data/celebamask-hq-mini/eval/images (CelebAMask-HQ, not in the repository)");
        FaceImage gallery = FaceImage.fromBufferedImage(ImageIO.read(eval.resolve("4500.jpg").toFile()));
        FaceImage other = FaceImage.fromBufferedImage(ImageIO.read(eval.resolve("4501.jpg").toFile()));
        FaceMatchingExample.Result r;
        try (Deblurrer d = Deblurrer.builder().threads(2).build()) {
            r = FaceMatchingExample.compare(d, gallery, other, FaceMatchingExample.DEFAULT_SEED);
        }
        for (double s : new double[] {r.blurry(), r.deblurred(), r.other()}) {
            assertThat(s).isFinite().isBetween(0.0, 1.0 + 1e-9);
        }
        assertThat(r.degradation()).isEqualTo(DegradationPipeline.defaults()
                .sample(FaceMatchingExample.DEFAULT_SEED).describe());
        assertThat(r.backend()).isNotBlank();
        assertThat(LbpEmbedding.cosine(LbpEmbedding.embed(gallery), LbpEmbedding.embed(gallery)))
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    }
}

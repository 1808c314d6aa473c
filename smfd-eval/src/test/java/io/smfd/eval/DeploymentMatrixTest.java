package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smfd.BackendStatus;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.degrade.BlurFamily;
import io.smfd.degrade.Degradation;
import io.smfd.degrade.NoiseType;
import io.smfd.eval.DeploymentMatrix.Blur;
import io.smfd.eval.DeploymentMatrix.Geometry;
import io.smfd.identity.MobileFace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployment matrix's cells, hard pipeline, framing and verification, and an end-to-end run. */
class DeploymentMatrixTest {

    @Test
    void blurStrengthsDrawTheIntendedKernelsAndCleanAndNoisyShareThem() {
        List<Blur> blurs = DeploymentMatrix.blurs();
        assertThat(blurs).hasSize(12);
        assertThat(blurs.stream().map(Blur::label).toList()).containsExactly("linear 5 px", "linear 9 px",
                "linear 13 px", "linear 17 px", "shake small (15 px)", "shake large (31 px)", "gaussian sigma 1",
                "gaussian sigma 2", "gaussian sigma 3", "defocus r 2", "defocus r 3", "defocus r 4");
        BlurFamily[] fam = {BlurFamily.LINEAR, BlurFamily.LINEAR, BlurFamily.LINEAR, BlurFamily.LINEAR,
            BlurFamily.TRAJECTORY, BlurFamily.TRAJECTORY, BlurFamily.GAUSSIAN, BlurFamily.GAUSSIAN, BlurFamily.GAUSSIAN,
            BlurFamily.DEFOCUS, BlurFamily.DEFOCUS, BlurFamily.DEFOCUS};
        for (Blur b : blurs) {
            for (long seed : new long[] {DeploymentMatrix.SEED_BASE + 1000L * b.index() + 4500,
                DeploymentMatrix.SEED_BASE + 1000L * b.index() + 4999}) {
                Degradation clean = b.clean().sample(seed);
                Degradation noisy = b.noisy().sample(seed);
                assertThat(clean.family()).as(b.label()).isEqualTo(fam[b.index()]);
                assertThat(noisy.kernel()).as("same kernel: %s", b.label()).isEqualTo(clean.kernel());
                assertThat(clean.noiseType()).isEmpty();
                assertThat(clean.jpegQuality()).isEmpty();
                assertThat(clean.scale()).isEmpty();
                assertThat(noisy.noiseType()).contains(NoiseType.GAUSSIAN);
                assertThat(noisy.noiseLevel().getAsDouble()).isEqualTo(DeploymentMatrix.NOISE_SIGMA);
                assertThat(noisy.jpegQuality().getAsInt()).isEqualTo(DeploymentMatrix.JPEG_QUALITY);
                assertThat(noisy.scale()).isEmpty();
            }
        }
        // strengths: the kernel's radius of gyration grows within a family; linear L has about L / sqrt(12)
        double l17 = Evaluation.radiusOfGyration(blurs.get(3).clean().sample(1).kernel(),
                blurs.get(3).clean().sample(1).kernelSize());
        assertThat(l17).isCloseTo(17 / Math.sqrt(12), within(0.6));
        assertThat(blurs.get(4).clean().sample(7).kernelSize()).isEqualTo(15);
        assertThat(blurs.get(5).clean().sample(7).kernelSize()).isEqualTo(31);
        assertThat(blurs.get(7).clean().sample(7).parameters()).containsEntry("sigma1", 2.0).containsEntry("sigma2", 2.0);
        assertThat(blurs.get(10).clean().sample(7).parameters()).containsEntry("radius", 3.0);
        // the angle of linear motion is random
        assertThat(blurs.get(1).clean().sample(1).parameters().get("angle"))
                .isNotEqualTo(blurs.get(1).clean().sample(2).parameters().get("angle"));
    }

    @Test
    void hardPipelineAlwaysRescalesAddsNoiseAndJpeg() {
        int[] families = new int[BlurFamily.values().length];
        for (int i = 4500; i < 4600; i++) {
            Degradation d = DeploymentMatrix.hardPipeline().sample(DeploymentMatrix.HARD_SEED_BASE + i);
            families[d.family().ordinal()]++;
            assertThat(d.scale().getAsDouble()).isBetween(0.3, 0.5);
            assertThat(d.noiseType()).contains(NoiseType.GAUSSIAN);
            assertThat(d.noiseLevel().getAsDouble()).isBetween(5.0, 12.0);
            assertThat(d.jpegQuality().getAsInt()).isBetween(40, 70);
            // camera-shake paths can stay compact even in a 27-31 px kernel; the other families are strong
            if (d.family() != BlurFamily.TRAJECTORY) {
                assertThat(Evaluation.radiusOfGyration(d.kernel(), d.kernelSize())).as(d.describe()).isGreaterThan(1.7);
            }
        }
        assertThat(java.util.Arrays.stream(families).min().getAsInt()).isGreaterThan(10);
    }

    @Test
    void geometriesFrameTheWholeFaceOrTheArcFaceBox() {
        BufferedImage img = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                img.setRGB(x, y, (x << 16) | (y << 8) | ((x * y) & 0xFF));
            }
        }
        FaceImage face = FaceImage.fromBufferedImage(img);
        assertThat(Geometry.WHOLE_256.frame(face)).isSameAs(face);
        FaceImage g160 = Geometry.WHOLE_160.frame(face);
        assertThat(g160.width()).isEqualTo(160);
        assertThat(g160.height()).isEqualTo(160);
        FaceImage crop = Geometry.CROP_112.frame(face);
        assertThat(crop.toRgbBytes()).isEqualTo(MobileFace.arcFaceCrop(face, 112).toRgbBytes());
        // red = x: the crop's left column comes from x ~ 56, its right column from x ~ 199
        byte[] rgb = crop.toRgbBytes();
        assertThat(rgb[0] & 0xFF).isBetween(56, 58);
        assertThat(rgb[111 * 3] & 0xFF).isBetween(197, 199);
        assertThat(rgb[(111 * 112) * 3 + 1] & 0xFF).isBetween(221, 223); // green = y: bottom row from y ~ 223
    }

    @Test
    void verificationWithALargerGalleryAndRankOne() {
        List<float[]> gallery = List.of(new float[] {0}, new float[] {10}, new float[] {20}, new float[] {30});
        List<float[]> probes = List.of(new float[] {1}, new float[] {16});
        IdentityStats.Matching m = IdentityStats.verify(gallery, probes, (a, b) -> Math.abs(a[0] - b[0]), Double.NaN);
        assertThat(m.verification().genuine()).isEqualTo(2);
        assertThat(m.verification().impostors()).isEqualTo(6);
        // probe 0: own 1, nearest impostor 9 -> hit; probe 1: own 6, impostor 20 is 4 away -> miss
        assertThat(m.rank1()).isEqualTo(0.5);
        assertThat(m.verification().tarAtThreshold()).isNaN();
        // impostors sorted: 4, 9, 14, 16, 19, 29; FAR 1e-2 of 6 -> rank 0 -> threshold 4: genuine 1 accepted, 6 not
        assertThat(m.verification().thresholds()[0]).isEqualTo(4.0);
        assertThat(m.verification().tar()[0]).isEqualTo(0.5);
        // the square case is the old verify()
        IdentityStats.Verification sq = IdentityStats.verify(gallery, gallery);
        assertThat(sq.tar()[0]).isEqualTo(1.0);
    }

    @Test
    void cropBoxCheckOnRealMasks() throws IOException {
        Optional<Path> data = FaceDataset.locate();
        assumeTrue(data.isPresent(), "CelebAMask-HQ mini not found: skipping (faces are never committed)");
        FaceDataset ds = new FaceDataset(data.get(), "eval");
        DeploymentMatrix.BoxCheck bc = DeploymentMatrix.boxCheck(ds, ds.ids().subList(0, 20));
        assertThat(bc.faces()).isGreaterThan(15);
        // measured: eyes ~ (55, 33), mouth ~ (55.5, 86) in the 112 crop; the ArcFace template has y 51.6 / 92.3
        assertThat(bc.eyes112()[0]).isBetween(50.0, 62.0);
        assertThat(bc.eyes112()[1]).isBetween(25.0, 40.0);
        assertThat(bc.mouth112()[1]).isBetween(78.0, 92.0);
        double side = bc.arcFaceBox()[2] - bc.arcFaceBox()[0];
        assertThat(side).isBetween(170.0, 210.0);
        // the template-matching box maps the eye centroid to the template's eye midpoint
        assertThat((bc.eyes256()[1] - bc.arcFaceBox()[1]) * 112 / side).isCloseTo(DeploymentMatrix.ARCFACE_EYES[1],
                within(1e-9));
    }

    /** End to end: the main evaluation on 2 faces, then the matrix (1 face per cell) and hard verification. */
    @Test
    void evalWithMatrixAppendsBothSections(@TempDir Path out) throws IOException {
        Optional<Path> data = FaceDataset.locate();
        assumeTrue(data.isPresent(), "CelebAMask-HQ mini not found: skipping (faces are never committed)");
        assumeTrue(Deblurrer.backends().stream().anyMatch(BackendStatus::available),
                "no SMFD runtime backend is available here: skipping");
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        EvaluationResult result = Evaluation.run(new Evaluation.Options(data.get(), 3, "auto", 2, out, null, 1,
                "smfd eval --limit 3", new PrintStream(se, true, StandardCharsets.UTF_8), Evaluation.MatrixMode.WITH, 1));
        assertThat(result.faces()).isEqualTo(3);
        assertThat(result.matrix()).isPresent();
        assertThat(result.matrix().get().cells()).hasSize(3 * 12 * 2);
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("## Summary (all faces)", "## Hard verification (112 px probes)",
                "## Deployment matrix", "### 112 px ArcFace-style crop: SMFD", "### 160 px whole face: SMFD",
                "### 256 px whole face: SMFD", "| linear 17 px | yes | 1 |", "Crop box check");
        String json = Files.readString(out.resolve("report.json"));
        assertThat(json).contains("\"verification\"", "\"hardVerification\"", "\"deploymentMatrix\"",
                "\"smfdDefault\"", "\"smfdForced\"", "\"bestClassical\"").endsWith("}\n");
        Matcher m = Pattern.compile("\\{\"geometry\": ").matcher(json);
        int cells = 0;
        while (m.find()) {
            cells++;
        }
        assertThat(cells).isEqualTo(3 * 12 * 2);
        assertThat(json).doesNotContain("NaN");
        // braces balance: the members were inserted inside the top-level object
        assertThat(json.chars().filter(c -> c == '{').count()).isEqualTo(json.chars().filter(c -> c == '}').count());
        assertThat(Files.readAllLines(out.resolve("matrix.csv"))).hasSize(1 + 72);
    }

    @Test
    void autoRowReusesTheOutputOfTheModelItRoutesTo() throws IOException {
        try {
            io.smfd.spi.ModelSource.bundled(io.smfd.DeblurModel.MAXIM).readBytes();
        } catch (io.smfd.ModelException e) {
            assumeTrue(false, "io.smfd:smfd-model-maxim not on the test class path: " + e.getMessage());
        }
        Optional<Path> data = FaceDataset.locate();
        assumeTrue(data.isPresent(), "CelebAMask-HQ mini not found under ../shared/data");
        FaceImage sharp = Evaluation.quantise8(new FaceDataset(data.get(), "eval").image(4500));
        Blur linear = DeploymentMatrix.blurs().get(2); // linear 13 px
        Blur gaussian = DeploymentMatrix.blurs().get(7); // gaussian sigma 2
        List<FaceImage> faces = List.of(
                Geometry.CROP_112.frame(Evaluation.quantise8(linear.clean().sample(1).applyTo(sharp))),
                Geometry.CROP_112.frame(Evaluation.quantise8(gaussian.clean().sample(1).applyTo(sharp))));
        List<DeploymentMatrix.Model> models = DeploymentMatrix.models("onnx", null, 1,
                List.of(io.smfd.ModelChoice.SMFD, io.smfd.ModelChoice.MAXIM, io.smfd.ModelChoice.AUTO));
        try {
            assertThat(models).extracting(DeploymentMatrix.Model::name).containsExactly("smfd", "maxim", "auto");
            for (FaceImage face : faces) {
                io.smfd.DeblurModel[] routed = new io.smfd.DeblurModel[3];
                FaceImage[] out = DeploymentMatrix.forcedOutputs(models, face, routed);
                Deblurrer auto = models.get(2).deblurrer();
                assertThat(routed[0]).isEqualTo(io.smfd.DeblurModel.SMFD);
                assertThat(routed[1]).isEqualTo(io.smfd.DeblurModel.MAXIM);
                assertThat(routed[2]).isEqualTo(auto.modelFor(face).orElseThrow());
                assertThat(out[2]).as("reused row = what AUTO computes itself")
                        .isEqualTo(Evaluation.quantise8(auto.deblur(face)));
                assertThat(out[2]).isEqualTo(out[routed[2] == io.smfd.DeblurModel.MAXIM ? 1 : 0]);
            }
        } finally {
            models.forEach(m -> m.deblurrer().close());
        }
    }
}

package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smfd.FaceImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClassicalBaselineTest {

    private final ClassicalBaseline baseline = new ClassicalBaseline();

    /** A 1/f-like random texture: sum of random-phase sinusoids with amplitude ~ 1/f. */
    static FaceImage texture(int size, long seed) {
        Random r = new Random(seed);
        int n = size * size;
        double[] plane = new double[n];
        for (int k = 0; k < 300; k++) {
            double f = 0.005 + 0.45 * Math.pow(r.nextDouble(), 2);
            double theta = r.nextDouble() * Math.PI;
            double phase = r.nextDouble() * 2 * Math.PI;
            double amp = 0.004 / f;
            double fx = f * Math.cos(theta);
            double fy = f * Math.sin(theta);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    plane[y * size + x] += amp * Math.cos(2 * Math.PI * (fx * x + fy * y) + phase);
                }
            }
        }
        float[] p = new float[3 * n];
        for (int i = 0; i < n; i++) {
            float v = (float) Math.min(1, Math.max(0, 0.5 + plane[i]));
            p[i] = v;
            p[n + i] = (float) Math.min(1, v * 0.9 + 0.05);
            p[2 * n + i] = (float) Math.min(1, v * 0.8 + 0.1);
        }
        return FaceImage.fromPlanarFloat(size, size, p);
    }

    static Optional<Path> data() {
        return FaceDataset.locate().filter(p -> Files.isDirectory(p.resolve("train").resolve("images")));
    }

    private static FaceImage trainFace(int id) throws IOException {
        Optional<Path> root = data();
        assumeTrue(root.isPresent(), "CelebAMask-HQ mini not found (../shared/data/celebamask-hq-mini, or set"
                + " SMFD_DATA / -Dsmfd.data): skipping the real-face baseline test; the faces are never committed");
        return new FaceDataset(root.get(), "train").image(id);
    }

    @Test
    void wienerWithTrueSigmaImprovesPsnrOnSyntheticTexture() {
        FaceImage sharp = texture(128, 1);
        FaceImage blurry = Evaluation.quantise8(BaselineTuning.gaussian(sharp, 2.0));
        double before = ImageMetrics.psnrRgb(blurry, sharp);
        FaceImage restored = baseline.wiener(blurry, 2.0, 1e-6);
        double after = ImageMetrics.psnrRgb(Evaluation.quantise8(restored), sharp);
        assertThat(after).isGreaterThan(before + 1.0);
    }

    @Test
    void wienerWithTrueSigmaImprovesPsnrOnRealFace() throws IOException {
        FaceImage sharp = trainFace(4300);
        for (double sigma : new double[] {1.5, 2.5}) {
            FaceImage blurry = Evaluation.quantise8(BaselineTuning.gaussian(sharp, sigma));
            double before = ImageMetrics.psnrRgb(blurry, sharp);
            ClassicalBaseline.Estimate e = baseline.estimate(blurry);
            double after = ImageMetrics.psnrRgb(Evaluation.quantise8(baseline.wiener(blurry, sigma, e.noiseRatio())), sharp);
            assertThat(after).as("sigma %s: before %.2f after %.2f", sigma, before, after).isGreaterThan(before + 0.5);
            // the fully blind path improves too
            double blind = ImageMetrics.psnrRgb(Evaluation.quantise8(baseline.wiener(blurry)), sharp);
            assertThat(blind).isGreaterThan(before);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.5, 2.5})
    void estimatorRecoversGaussianSigmaOnRealFaces(double sigma) throws IOException {
        for (int id : new int[] {4301, 4350, 4420}) {
            FaceImage blurry = Evaluation.quantise8(BaselineTuning.gaussian(trainFace(id), sigma));
            double est = baseline.estimate(blurry).sigma();
            assertThat(est).as("face %d, sigma %s", id, sigma).isCloseTo(sigma, within(0.5));
        }
    }

    @Test
    void estimatorRecoversSigmaOnSyntheticTexture() {
        FaceImage sharp = texture(256, 5);
        ClassicalBaseline raw = new ClassicalBaseline(ClassicalBaseline.Params.DEFAULTS.withEstimator(2.0, 0.0));
        for (double sigma : new double[] {1.5, 2.5}) {
            FaceImage blurry = Evaluation.quantise8(BaselineTuning.gaussian(sharp, sigma));
            assertThat(raw.estimate(blurry).sigma()).isCloseTo(sigma, within(0.5));
        }
    }

    @Test
    void unsharpWithZeroAmountIsIdentityAndSharpensOtherwise() {
        FaceImage img = Evaluation.quantise8(BaselineTuning.gaussian(texture(64, 2), 1.5));
        assertThat(Evaluation.quantise8(ClassicalBaseline.unsharp(img, 1.5, 0))).isEqualTo(img);
        FaceImage sharper = ClassicalBaseline.unsharp(img, 1.5, 1.0);
        assertThat(gradientEnergy(sharper)).isGreaterThan(gradientEnergy(img) * 1.2);
    }

    @Test
    void gaussianBlurPreservesConstantsAndMean() {
        double[] c = new double[20 * 12];
        java.util.Arrays.fill(c, 0.37);
        for (double v : ClassicalBaseline.gaussianBlur(c, 20, 12, 2.0)) {
            assertThat(v).isCloseTo(0.37, within(1e-12));
        }
    }

    @Test
    void paddingIndexMaps() {
        // reflect without edge repeat: -2 -1 | 0 1 2 3 | 4 5  ->  2 1 | 0 1 2 3 | 2 1
        assertThat(ClassicalBaseline.reflect(-1, 4)).isEqualTo(1);
        assertThat(ClassicalBaseline.reflect(-2, 4)).isEqualTo(2);
        assertThat(ClassicalBaseline.reflect(4, 4)).isEqualTo(2);
        assertThat(ClassicalBaseline.reflect(5, 4)).isEqualTo(1);
        // half-sample symmetric: -1 -> 0, 4 -> 3, period 8
        assertThat(ClassicalBaseline.symmetric(-1, 4)).isEqualTo(0);
        assertThat(ClassicalBaseline.symmetric(4, 4)).isEqualTo(3);
        assertThat(ClassicalBaseline.symmetric(7, 4)).isEqualTo(0);
        assertThat(ClassicalBaseline.symmetric(8, 4)).isEqualTo(0);
        assertThat(ClassicalBaseline.symmetric(-5, 4)).isEqualTo(3);
    }

    @Test
    void wienerWithZeroSigmaAndNoRegularisationIsNearIdentity() {
        FaceImage img = texture(64, 9);
        FaceImage out = Evaluation.quantise8(baseline.wiener(img, 0.0, 0.0));
        // H = 1, NSR = nsrFloor: only a 1/(1 + 1e-4) gain
        assertThat(ImageMetrics.psnrRgb(out, Evaluation.quantise8(img))).isGreaterThan(45);
    }

    private static double gradientEnergy(FaceImage img) {
        float[] p = img.toPlanarFloat();
        int w = img.width();
        double s = 0;
        for (int i = 0; i < w * img.height() - 1; i++) {
            double d = p[i + 1] - p[i];
            s += d * d;
        }
        return s;
    }
}

package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.smfd.BlurAssessment;
import io.smfd.FaceImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The calibration's copy of the assessment features ({@link AssessmentFeatures}) computes what smfd-api's
 * {@code BlurEstimator} computes: both are checked against smfd-api's golden file (written by smfd-api's
 * {@code BlurFeaturesGoldenTest}), so the copy cannot drift from the estimator it calibrates.
 */
class AssessmentFeaturesTest {

    private static final Path GOLDEN = Path.of("../smfd-api/src/test/resources/io/smfd/internal/blur-features.golden");

    /** Verbatim copy of smfd-api's {@code BlurFeaturesGoldenTest.image}. */
    static FaceImage image(int variant) {
        int w = 96;
        int h = 112;
        int n = w * h;
        int[] v = new int[n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int hash = (x * 73856093) ^ (y * 19349663);
                hash ^= hash >>> 13;
                hash *= 0x5bd1e995;
                hash ^= hash >>> 15;
                int base = ((x / 12 + y / 16) % 2 == 0 ? 150 : 70) + ((x + 2 * y) % 9 < 3 ? 40 : 0);
                v[y * w + x] = base + (hash & 31) - 16;
            }
        }
        int rx = variant == 1 ? 1 : variant == 2 ? 3 : 0;
        int ry = variant == 1 ? 1 : 0;
        float[] p = new float[3 * n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int s = 0;
                int c = 0;
                for (int dy = -ry; dy <= ry; dy++) {
                    for (int dx = -rx; dx <= rx; dx++) {
                        int xx = Math.min(w - 1, Math.max(0, x + dx));
                        int yy = Math.min(h - 1, Math.max(0, y + dy));
                        s += v[yy * w + xx];
                        c++;
                    }
                }
                int l = Math.min(255, Math.max(0, s / c));
                int i = y * w + x;
                p[i] = l / 255f;
                p[n + i] = Math.max(0, l - 20) / 255f;
                p[2 * n + i] = Math.min(255, l + 10) / 255f;
            }
        }
        return FaceImage.fromPlanarFloat(w, h, p);
    }

    @Test
    void featuresMatchSmfdApiGoldenFile() throws IOException {
        List<String> expected = Files.readAllLines(GOLDEN, StandardCharsets.UTF_8);
        double[][] regions = {AssessmentFeatures.LEGACY_REGION, AssessmentCalibration.FIT_REGION};
        assertThat(expected).hasSize(3 * regions.length * AssessmentFeatures.FEATURES);
        for (int r = 0; r < regions.length; r++) {
            for (int variant = 0; variant < 3; variant++) {
                double[] f = AssessmentFeatures.features(image(variant), regions[r]);
                for (int i = 0; i < f.length; i++) {
                    double e = Double.parseDouble(expected.get((r * 3 + variant) * f.length + i));
                    assertThat(f[i]).as("feature %d of image %d, region %d (update AssessmentFeatures from smfd-api's"
                            + " BlurEstimator)", i, variant, r).isCloseTo(e, within(1e-9 * Math.max(1, Math.abs(e))));
                }
            }
        }
    }

    @Test
    void modelsApplyTheWeights() {
        double[] f = AssessmentFeatures.features(image(1));
        double[] zero = new double[f.length];
        assertThat(AssessmentFeatures.assess(f, zero, zero)).isEqualTo(BlurAssessment.of(0.5, 0.0));
        double[] bias = new double[f.length];
        bias[0] = Math.log(3.0); // f[0] = 1: extent exp(ln 3) - 1 = 2, severity 1 / (1 + 1/3) = 0.75
        BlurAssessment a = AssessmentFeatures.assess(f, bias, bias);
        assertThat(a.extentPixels()).isCloseTo(2.0, within(1e-12));
        assertThat(a.severity()).isCloseTo(0.75, within(1e-12));
    }
}

package io.smfd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.smfd.FaceImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins {@link BlurFeatures#features} (behind {@link BlurEstimator}) on three integer-generated images to {@value #GOLDEN}
 * (after a deliberate feature change, regenerate with {@code -Dsmfd.golden.write=true}). smfd-eval's calibration
 * uses a copy of {@link BlurFeatures} generated from the same source; its {@code BlurFeaturesCopyTest} checks that
 * the calibration's features give the shipped assessment.
 */
class BlurFeaturesGoldenTest {

    /**
     * The measured areas pinned: the legacy one (the fallback's) and the bundled calibration's
     * ({@code AssessmentCalibration.FIT_REGION}).
     */
    static final double[][] REGIONS = {BlurFeatures.LEGACY_REGION, {0.20, 0.80, 0.20, 0.85}};

    /** The golden file, relative to this module. */
    static final String GOLDEN = "src/test/resources/io/smfd/internal/blur-features.golden";

    /**
     * Image {@code variant} (0 sharp, 1 box-blurred 3x3, 2 box-blurred 7x1): blocks, stripes and hash noise,
     * 96x112, from integer arithmetic only (the same pixels on every JVM).
     */
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
    void featuresMatchTheGoldenFile() throws IOException {
        Path golden = Path.of(GOLDEN);
        List<String> lines = new ArrayList<>();
        for (double[] region : REGIONS) {
            for (int variant = 0; variant < 3; variant++) {
                for (double f : BlurFeatures.features(image(variant), region)) {
                    lines.add(Double.toString(f));
                }
            }
        }
        if (Boolean.getBoolean("smfd.golden.write")) {
            Files.write(golden, lines, StandardCharsets.UTF_8);
        }
        List<String> expected = Files.readAllLines(golden, StandardCharsets.UTF_8);
        assertThat(expected).hasSize(3 * REGIONS.length * BlurFeatures.FEATURES);
        for (int i = 0; i < expected.size(); i++) {
            double e = Double.parseDouble(expected.get(i));
            assertThat(Double.parseDouble(lines.get(i))).as("feature %d of image %d", i % BlurFeatures.FEATURES,
                    i / BlurFeatures.FEATURES).isCloseTo(e, within(1e-9 * Math.max(1, Math.abs(e))));
        }
        // the three images differ in blur, so the vectors must differ too (the file pins something real)
        assertThat(expected.subList(0, BlurFeatures.FEATURES))
                .isNotEqualTo(expected.subList(BlurFeatures.FEATURES, 2 * BlurFeatures.FEATURES));
    }
}

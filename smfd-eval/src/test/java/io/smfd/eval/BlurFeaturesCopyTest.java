package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.smfd.BlurAssessment;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What {@link AssessmentCalibration} fits the weights on is what {@link Deblurrer#assess(FaceImage)} applies them
 * to: with the bundled calibration file's weights, region, size offsets and noise gate, the features of smfd-eval's
 * {@link BlurFeatures} (generated from smfd-api's at build time) over {@link AssessmentCalibration#FIT_REGION} give
 * the assessment smfd-api ships, checked only through smfd-api's public API. Fails if the generated class is stale
 * or not the estimator's, if {@code FIT_REGION} is not the region the bundled calibration declares, or if the
 * offsets and the gate that the calibration writes mean something else to smfd-api. (smfd-api's
 * {@code BlurFeaturesGoldenTest} pins the feature values themselves.)
 */
class BlurFeaturesCopyTest {

    /** The crop widths that the bundled calibration has size offsets for (112 px ArcFace-style, 160, 256). */
    private static final int[] SIZES = {112, 160, 256};

    @Test
    void calibrationFeaturesGiveTheShippedAssessment() throws Exception {
        Object root = Json.parse(bundledCalibration());
        double[] ew = numbers(Json.get(root, "extent_weights"));
        double[] sw = numbers(Json.get(root, "severity_weights"));
        assertThat(ew).hasSize(BlurFeatures.FEATURES);
        assertThat(numbers(Json.get(root, "region"))).containsExactly(AssessmentCalibration.FIT_REGION);
        double[] sizes = numbers(Json.get(root, "severity_offsets", "sizes"));
        double[] logits = numbers(Json.get(root, "severity_offsets", "logits"));
        int gateFeature = ((Number) Json.get(root, "noise_gate", "feature")).intValue();
        double gateLevel = ((Number) Json.get(root, "noise_gate", "level")).doubleValue();
        double gateSlope = ((Number) Json.get(root, "noise_gate", "slope")).doubleValue();
        assertThat(sizes).containsExactly(112.0, 160.0, 256.0);

        Set<Double> severities = new HashSet<>();
        int gated = 0;
        try (Deblurrer deblurrer = Deblurrer.builder().backend("cpu").build()) {
            for (int s = 0; s < SIZES.length; s++) {
                for (int k = 0; k < 3; k++) {
                    FaceImage sharp = face(SIZES[s], 31L * s + k);
                    FaceImage motion = Evaluation.quantise8(AssessmentCalibration.MOTION.sample(k).applyTo(sharp));
                    FaceImage[] inputs = {sharp,
                            Evaluation.quantise8(AssessmentCalibration.MILD.sample(k).applyTo(sharp)),
                            motion, colourNoise(motion, k)};
                    for (int v = 0; v < inputs.length; v++) {
                        String what = String.format("%d px, face %d, input %d", SIZES[s], k, v);
                        BlurAssessment shipped = deblurrer.assess(inputs[v]);
                        assertThat(shipped.kind()).as(what).isNotEqualTo(BlurAssessment.Kind.UNMEASURABLE);
                        double[] f = BlurFeatures.features(inputs[v], AssessmentCalibration.FIT_REGION);
                        double gate = gateSlope * Math.max(0, f[gateFeature] - gateLevel);
                        gated += gate > 0 ? 1 : 0;
                        BlurAssessment fitted = BlurFeatures.assess(f, ew, sw, logits[s] + gate);
                        assertThat(shipped.extentPixels()).as(what).isEqualTo(fitted.extentPixels());
                        assertThat(shipped.severity()).as(what).isCloseTo(fitted.severity(), within(1e-12));
                        assertThat(shipped.anisotropy()).as(what).isEqualTo(f[25]);
                        assertThat(shipped.noiseSigma()).as(what).isCloseTo(Math.exp(f[23]) - 0.1, within(1e-9));
                        severities.add(shipped.severity());
                    }
                }
            }
        }
        // the inputs span sharp to blurred (and noisy): the comparison is not between constants
        assertThat(severities).hasSizeGreaterThan(20).anyMatch(v -> v < 0.1).anyMatch(v -> v > 0.9);
        assertThat(gated).as("inputs on which the noise gate acts").isPositive();
    }

    private static String bundledCalibration() throws IOException {
        try (InputStream in = BlurFeaturesCopyTest.class.getClassLoader()
                .getResourceAsStream("io/smfd/model/smfd-unet.assess.json")) {
            assertThat(in).as("the bundled model's calibration on the test class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static double[] numbers(Object list) {
        assertThat(list).isInstanceOf(List.class);
        List<?> l = (List<?>) list;
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).doubleValue();
        }
        return out;
    }

    /**
     * A synthetic 8-bit "face" of {@code size x size}: a shaded background, random discs and bars of different
     * contrast (edges in every direction) and mild texture, from a seeded {@link Random}.
     */
    static FaceImage face(int size, long seed) {
        Random r = new Random(seed);
        int n = size * size;
        float[] lum = new float[n];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                lum[y * size + x] = 90 + 60f * y / size + 20f * x / size;
            }
        }
        for (int shape = 0; shape < 40; shape++) {
            double cx = r.nextDouble() * size;
            double cy = r.nextDouble() * size;
            double radius = (0.02 + 0.08 * r.nextDouble()) * size;
            float delta = (float) ((r.nextBoolean() ? 1 : -1) * (20 + 60 * r.nextDouble()));
            boolean disc = r.nextBoolean();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double dx = x - cx;
                    double dy = y - cy;
                    boolean in = disc ? dx * dx + dy * dy < radius * radius
                            : Math.abs(dx) < radius && Math.abs(dy) < radius / 3;
                    if (in) {
                        lum[y * size + x] += delta;
                    }
                }
            }
        }
        byte[] rgb = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            float l = lum[i] + (float) (3 * r.nextGaussian());
            rgb[3 * i] = (byte) clamp(l + 15);
            rgb[3 * i + 1] = (byte) clamp(l);
            rgb[3 * i + 2] = (byte) clamp(l - 10);
        }
        return FaceImage.fromRgbBytes(size, size, rgb);
    }

    /** Adds independent Gaussian noise of sigma 5 levels to each channel (what the noise gate looks for). */
    static FaceImage colourNoise(FaceImage image, long seed) {
        Random r = new Random(seed);
        byte[] rgb = image.toRgbBytes();
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) clamp((float) ((rgb[i] & 0xff) + 5 * r.nextGaussian()));
        }
        return FaceImage.fromRgbBytes(image.width(), image.height(), rgb);
    }

    private static int clamp(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }
}

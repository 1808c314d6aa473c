package io.smfd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.ModelException;
import io.smfd.ModelInfo;
import io.smfd.SharpFacePolicy;
import io.smfd.SmfdException;
import io.smfd.FaceImage;
import io.smfd.fakes.FakeBackend;
import io.smfd.spi.ModelSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibration that travels with a model: beside a model file, from the provider, or the fallback. */
class BlurCalibrationTest {

    @TempDir
    Path dir;

    /** A calibration whose severity is the logistic of {@code bias} for every face and extent {@code e^x - 1}. */
    static String json(double bias, double logExtent, int features) {
        double[] sev = new double[features];
        double[] ext = new double[features];
        sev[0] = bias;
        ext[0] = logExtent;
        return "{\"format\": \"smfd-assess/1\", \"features\": " + features + ", \"fitted\": \"test\","
                + " \"extent_weights\": [" + list(ext) + "], \"severity_weights\": [" + list(sev) + "]}";
    }

    private static String list(double[] v) {
        return DoubleStream.of(v).mapToObj(Double::toString).collect(Collectors.joining(", "));
    }

    private Path model(String name) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, new byte[] {1, 2, 3});
        return f;
    }

    @Test
    void aModelFileBringsItsOwnCalibrationAndModelInfoSaysSo() throws IOException {
        Path onnx = model("mine.onnx");
        Files.writeString(dir.resolve("mine.assess.json"), json(6.0, Math.log(3.5), BlurFeatures.FEATURES));
        FaceImage sharp = BlurEstimatorTest.card(128, 128, 2);
        FakeBackend backend = new FakeBackend();
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, ModelSource.file(onnx), SharpFacePolicy.PASS_THROUGH)) {
            assertThat(d.modelInfo().assessmentCalibration())
                    .isEqualTo("calibration file " + dir.resolve("mine.assess.json").toAbsolutePath() + " (test)");
            // the fallback passes this sharp card through; this calibration says every face gains
            assertThat(BlurEstimator.assess(sharp).needsDeblurring()).isFalse();
            assertThat(d.assess(sharp).severity()).isEqualTo(1 / (1 + Math.exp(-6.0)));
            assertThat(d.assess(sharp).extentPixels()).isCloseTo(2.5, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(d.deblur(sharp)).isNotSameAs(sharp);
            assertThat(backend.calls).hasSize(1);
        }
    }

    @Test
    void withoutACalibrationFileTheFallbackIsUsedAndNamed() throws IOException {
        Path onnx = model("plain.onnx");
        FaceImage sharp = BlurEstimatorTest.card(128, 128, 2);
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", new FakeBackend(), ModelSource.file(onnx))) {
            assertThat(d.modelInfo().assessmentCalibration()).isEqualTo(ModelInfo.FALLBACK_CALIBRATION);
            assertThat(d.assess(sharp)).isEqualTo(BlurEstimator.assess(sharp));
        }
        assertThat(new ModelInfo("n", "v", "ab".repeat(32), "s", java.util.List.of("a"), 8, "").assessmentCalibration())
                .isEqualTo(ModelInfo.FALLBACK_CALIBRATION);
    }

    @Test
    void calibrationFileNameFollowsTheModelFile() {
        assertThat(BlurCalibration.besideModel(Path.of("/m/smfd-unet.onnx"))).isEqualTo(Path.of("/m/smfd-unet.assess.json"));
        assertThat(BlurCalibration.besideModel(Path.of("/m/X.ONNX"))).isEqualTo(Path.of("/m/X.assess.json"));
        assertThat(BlurCalibration.besideModel(Path.of("model.bin"))).isEqualTo(Path.of("model.bin.assess.json"));
    }

    @Test
    void aBrokenCalibrationFailsTheBuildWithAnActionableError() throws IOException {
        Path onnx = model("bad.onnx");
        Path cal = dir.resolve("bad.assess.json");
        String[][] cases = {
            {"{not json", "CORRUPT_MODEL", "not valid JSON"},
            {"[1, 2]", "CORRUPT_MODEL", "not a JSON object"},
            {json(0, 0, BlurFeatures.FEATURES).replace("smfd-assess/1", "smfd-assess/9"), "INCOMPATIBLE_MODEL", "smfd-assess/9"},
            {json(0, 0, 25), "INCOMPATIBLE_MODEL", "25 features"},
            {json(0, 0, BlurFeatures.FEATURES).replace("\"extent_weights\": [0.0,", "\"extent_weights\": [\"a\","),
                "CORRUPT_MODEL", "extent_weights\"[0]"},
            {json(0, 0, BlurFeatures.FEATURES).replace("\"severity_weights\": [0.0,", "\"severity_weights\": [NaN,"),
                "CORRUPT_MODEL", "severity_weights\"[0] is not a finite number"},
        };
        for (String[] c : cases) {
            Files.writeString(cal, c[0], StandardCharsets.UTF_8);
            assertThatThrownBy(() -> new DefaultDeblurrer("fake", new FakeBackend(), ModelSource.file(onnx)))
                    .as(c[0].substring(0, Math.min(40, c[0].length())))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining(cal.toAbsolutePath().toString()).hasMessageContaining(c[2])
                    .extracting(e -> ((SmfdException) e).reason().name()).isEqualTo(c[1]);
        }
    }

    @Test
    void theFallbackComputesExactlyWhatItWasFittedToInTheLegacyLayout() {
        for (FaceImage img : new FaceImage[] {BlurEstimatorTest.card(128, 128, 2),
                BlurEstimatorTest.blur(BlurEstimatorTest.card(200, 160, 4), 2.5)}) {
            double[] f = BlurFeatures.features(img, BlurFeatures.LEGACY_REGION);
            double[] legacy = new double[80];
            System.arraycopy(f, 0, legacy, 0, 25);
            int k = 25;
            for (int i = 0; i < BlurEstimator.LEGACY_KEY.length; i++) {
                for (int j = i; j < BlurEstimator.LEGACY_KEY.length; j++) {
                    legacy[k++] = f[BlurEstimator.LEGACY_KEY[i]] * f[BlurEstimator.LEGACY_KEY[j]];
                }
            }
            for (double[][] w : new double[][][] {{BlurEstimator.EXTENT_WEIGHTS, BlurCalibration.FALLBACK.extentWeights()},
                    {BlurEstimator.SEVERITY_WEIGHTS, BlurCalibration.FALLBACK.severityWeights()}}) {
                double old = 0;
                double now = 0;
                for (int i = 0; i < 80; i++) {
                    old += legacy[i] * w[0][i];
                }
                for (int i = 0; i < f.length; i++) {
                    now += f[i] * w[1][i];
                }
                assertThat(now).isCloseTo(old, org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, Math.abs(old))));
            }
        }
        assertThatThrownBy(() -> BlurEstimator.fromLegacyLayout(new double[3])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBundledProvidersCalibrationIsParsedAndAnAbsentOneFallsBack() {
        assertThat(BlurCalibration.forBundled(Optional.empty())).isSameAs(BlurCalibration.FALLBACK);
        BlurCalibration c = BlurCalibration.forBundled(Optional.of(json(1, 0, BlurFeatures.FEATURES)));
        assertThat(c.source()).isEqualTo("bundled calibration (io.smfd:smfd-model) (test)");
        assertThat(c.severityWeights()[0]).isEqualTo(1.0);
        assertThat(Arrays.stream(c.extentWeights()).allMatch(v -> v == 0)).isTrue();
    }

    /** {@link #json} with extra members spliced in before the weights. */
    private static String jsonWith(double bias, String extra) {
        return json(bias, 0, BlurFeatures.FEATURES).replace("\"extent_weights\"", extra + ", \"extent_weights\"");
    }

    @Test
    void sizeOffsetsAreInterpolatedInLogWidthAndHeldBeyondTheEnds() {
        BlurCalibration c = BlurCalibration.parse(jsonWith(0,
                "\"severity_offsets\": {\"sizes\": [100, 400], \"logits\": [-2, 2]}"), "test");
        assertThat(c.severityOffset(50)).isEqualTo(-2.0);
        assertThat(c.severityOffset(100)).isEqualTo(-2.0);
        assertThat(c.severityOffset(200)).isCloseTo(0.0, org.assertj.core.api.Assertions.within(1e-12)); // ln midpoint
        assertThat(c.severityOffset(400)).isEqualTo(2.0);
        assertThat(c.severityOffset(4000)).isEqualTo(2.0);
        assertThat(BlurCalibration.parse(json(0, 0, BlurFeatures.FEATURES), "test").severityOffset(256)).isZero();
        // the offset moves the decision: bias 0 is severity 0.5 (needs deblurring); -2 at 100 px passes it through
        FaceImage card = BlurEstimatorTest.card(100, 100, 2);
        assertThat(BlurEstimator.assess(card, c).severity()).isCloseTo(1 / (1 + Math.exp(2)),
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(BlurEstimator.assess(BlurEstimatorTest.card(400, 400, 2), c).needsDeblurring()).isTrue();
    }

    @Test
    void theRegionChoosesTheMeasuredAreaAndTheNoiseGateRaisesNoisyFaces() {
        FaceImage card = BlurEstimatorTest.card(128, 128, 2);
        double[] wide = {0.1, 0.9, 0.1, 0.9};
        BlurCalibration c = BlurCalibration.parse(jsonWith(-3, "\"region\": [0.1, 0.9, 0.1, 0.9]"), "test");
        assertThat(c.region()).containsExactly(wide);
        assertThat(BlurFeatures.features(card, wide)).isNotEqualTo(BlurFeatures.features(card, BlurFeatures.LEGACY_REGION));
        // a gate at a level below this card's feature 27 adds slope * excess to the logit
        double f27 = BlurFeatures.features(card, BlurFeatures.LEGACY_REGION)[27];
        BlurCalibration gated = BlurCalibration.parse(jsonWith(-3, "\"noise_gate\": {\"feature\": 27, \"level\": "
                + (f27 - 0.5) + ", \"slope\": 10}"), "test");
        assertThat(BlurEstimator.assess(card, BlurCalibration.parse(jsonWith(-3, "\"region\": [0.25, 0.75, 0.3, 0.85]"),
                "test")).severity()).isCloseTo(1 / (1 + Math.exp(3)), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(BlurEstimator.assess(card, gated).severity()).isCloseTo(1 / (1 + Math.exp(3 - 5)),
                org.assertj.core.api.Assertions.within(1e-9));
        double[] below = new double[BlurFeatures.FEATURES];
        below[27] = f27 - 1;
        assertThat(gated.gateLogit(below)).isZero(); // below the level: nothing added
    }

    @Test
    void malformedRegionOffsetsOrGateFailWithCorruptModel() {
        for (String extra : new String[] {"\"region\": [0.5, 0.4, 0, 1]", "\"region\": [0, 1, 0]",
                "\"severity_offsets\": {\"sizes\": [160, 112], \"logits\": [0, 0]}",
                "\"severity_offsets\": {\"sizes\": [112, 160], \"logits\": [0]}", "\"severity_offsets\": [1, 2]",
                "\"noise_gate\": {\"feature\": 0, \"level\": 0, \"slope\": 1}",
                "\"noise_gate\": {\"feature\": 27, \"level\": 0, \"slope\": -1}",
                "\"noise_gate\": {\"feature\": 27.5, \"level\": 0, \"slope\": 1}"}) {
            assertThatThrownBy(() -> BlurCalibration.parse(jsonWith(0, extra), "calibration file x.assess.json"))
                    .as(extra).isInstanceOfSatisfying(ModelException.class,
                            e -> assertThat(e.reason()).isEqualTo(SmfdException.Reason.CORRUPT_MODEL))
                    .hasMessageContaining("x.assess.json");
        }
    }
}

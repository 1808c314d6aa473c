package io.smfd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.BackendUnavailableException;
import io.smfd.BlurAssessment;
import io.smfd.BlurAssessment.Kind;
import io.smfd.DeblurModel;
import io.smfd.DeblurResult;
import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.ModelChoice;
import io.smfd.ModelException;
import io.smfd.ModelInfo;
import io.smfd.SharpFacePolicy;
import io.smfd.SmfdException.Reason;
import io.smfd.fakes.FakeBackend;
import io.smfd.fakes.FakeMaxim;
import io.smfd.fakes.FakeProviders;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.DeblurBackendProvider;
import io.smfd.spi.ModelProvider;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelChoice}: the AUTO rule, routing per face in {@link DefaultDeblurrer}, and backend selection. */
class ModelRoutingTest {

    private static final FaceImage SHARP = BlurEstimatorTest.card(128, 128, 2);
    private static final FaceImage MOTION = BlurEstimatorTest.motionX(BlurEstimatorTest.card(128, 128, 3), 15);
    private static final FaceImage NOISY_MOTION = noisy(MOTION, 8.0, 5);
    private static final FaceImage GAUSSIAN = BlurEstimatorTest.blur(BlurEstimatorTest.card(128, 128, 4), 2.5);

    private static final Routing AUTO = new Routing(ModelChoice.AUTO, ModelChoice.DEFAULT_MOTION_THRESHOLD);

    @TempDir
    Path tmp;

    static FaceImage noisy(FaceImage img, double sigmaLevels, long seed) {
        float[] p = img.toPlanarFloat();
        Random r = new Random(seed);
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) Math.max(0, Math.min(1, p[i] + r.nextGaussian() * sigmaLevels / 255));
        }
        return FaceImage.fromPlanarFloat(img.width(), img.height(), p);
    }

    private static FakeBackend darkening() {
        return new FakeBackend(8, in -> {
            float[] out = in.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] *= 0.5f;
            }
            return out;
        });
    }

    private static FaceImage plusOffset(FaceImage img) {
        float[] p = img.toPlanarFloat();
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.min(1f, p[i] + FakeMaxim.OFFSET);
        }
        return FaceImage.fromPlanarFloat(img.width(), img.height(), p);
    }

    private static DefaultDeblurrer deblurrer(FakeBackend smfd, FakeMaxim.Backend maxim, SharpFacePolicy policy,
                                              Routing routing) {
        return new DefaultDeblurrer("fake", smfd, DefaultDeblurrerTest.MODEL, policy, maxim, routing);
    }

    @Test
    void autoRuleSendsOnlyCleanDirectionalBlurToMaxim() {
        BlurAssessment cleanMotion = BlurAssessment.of(0.9, 5, Kind.DIRECTIONAL, 0.6, 1.0);
        assertThat(AUTO.modelFor(cleanMotion, 256)).isEqualTo(DeblurModel.MAXIM);
        assertThat(AUTO.modelFor(BlurAssessment.of(0.9, 5, Kind.DIRECTIONAL, 0.6, ModelChoice.MAX_NOISE_SIGMA + 0.5), 256))
                .as("visibly noisy: MAXIM would amplify the noise").isEqualTo(DeblurModel.SMFD);
        assertThat(AUTO.modelFor(BlurAssessment.of(0.9, 3, Kind.ISOTROPIC, 0.2, 1.0), 256)).isEqualTo(DeblurModel.SMFD);
        assertThat(AUTO.modelFor(BlurAssessment.of(0.9, 5, Kind.DIRECTIONAL,
                ModelChoice.DEFAULT_MOTION_THRESHOLD - 0.01, 1.0), 256)).isEqualTo(DeblurModel.SMFD);
        assertThat(AUTO.modelFor(BlurAssessment.of(0.9, 0, Kind.UNMEASURABLE, 0, 0), 256)).isEqualTo(DeblurModel.SMFD);
        assertThat(new Routing(ModelChoice.AUTO, Double.POSITIVE_INFINITY).modelFor(cleanMotion, 112))
                .as("the knob at +infinity: never MAXIM").isEqualTo(DeblurModel.SMFD);
        assertThat(new Routing(ModelChoice.AUTO, 0.7).modelFor(cleanMotion, 256)).isEqualTo(DeblurModel.SMFD);
        assertThat(new Routing(ModelChoice.MAXIM, 0.45).modelFor(BlurAssessment.of(0.9, 3), 256))
                .isEqualTo(DeblurModel.MAXIM);
        assertThat(Routing.SMFD.modelFor(cleanMotion, 256)).isEqualTo(DeblurModel.SMFD);
        assertThatThrownBy(() -> new Routing(ModelChoice.AUTO, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Routing(ModelChoice.AUTO, -0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMotionThresholdScalesWithTheFaceSizeDownToItsFloor() {
        assertThat(AUTO.threshold(256)).isEqualTo(ModelChoice.DEFAULT_MOTION_THRESHOLD);
        assertThat(AUTO.threshold(512)).isEqualTo(ModelChoice.DEFAULT_MOTION_THRESHOLD);
        assertThat(AUTO.threshold(224)).isCloseTo(ModelChoice.DEFAULT_MOTION_THRESHOLD * 224 / 256,
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(AUTO.threshold(112)).isEqualTo(ModelChoice.MIN_MOTION_THRESHOLD);
        assertThat(new Routing(ModelChoice.AUTO, 0.1).threshold(112)).as("a knob below the floor wins").isEqualTo(0.1);
        assertThat(new Routing(ModelChoice.AUTO, 0).threshold(64)).isZero();
        BlurAssessment mild = BlurAssessment.of(0.9, 3, Kind.ISOTROPIC, 0.3, 1.0);
        assertThat(AUTO.modelFor(mild, 112)).as("0.30 >= floor 0.25 at 112 px").isEqualTo(DeblurModel.MAXIM);
        assertThat(AUTO.modelFor(mild, 256)).as("0.30 < 0.36 at 256 px").isEqualTo(DeblurModel.SMFD);
    }

    @Test
    void syntheticFacesAreAssessedAsTheRoutingTestsNeed() {
        BlurAssessment motion = BlurEstimator.assess(MOTION);
        // the synthetic card with motion blur alone stays under the severity threshold (the fallback calibration is
        // fitted to faces), so the routing tests below use the DEBLUR policy for it
        assertThat(motion.anisotropy()).isGreaterThan(ModelChoice.DEFAULT_MOTION_THRESHOLD);
        assertThat(motion.noiseSigma()).isLessThan(ModelChoice.MAX_NOISE_SIGMA);
        assertThat(BlurEstimator.assess(NOISY_MOTION).noiseSigma()).isGreaterThan(ModelChoice.MAX_NOISE_SIGMA);
        assertThat(BlurEstimator.assess(NOISY_MOTION).needsDeblurring()).isTrue();
        assertThat(BlurEstimator.assess(GAUSSIAN).needsDeblurring()).isTrue();
        assertThat(BlurEstimator.assess(GAUSSIAN).anisotropy()).isLessThan(ModelChoice.DEFAULT_MOTION_THRESHOLD);
        assertThat(BlurEstimator.assess(SHARP).needsDeblurring()).isFalse();
    }

    @Test
    void autoRoutesEachFaceAndTheResultSaysWhichModelProducedIt() {
        FakeBackend smfd = darkening();
        FakeMaxim.Backend maxim = new FakeMaxim.Backend();
        List<FaceImage> in = List.of(MOTION, NOISY_MOTION, GAUSSIAN, SHARP);
        try (DefaultDeblurrer d = deblurrer(smfd, maxim, SharpFacePolicy.DEBLUR, AUTO)) {
            List<DeblurResult> r = d.deblurAllWithResults(in);
            assertThat(r).extracting(DeblurResult::model).containsExactly(Optional.of(DeblurModel.MAXIM),
                    Optional.of(DeblurModel.SMFD), Optional.of(DeblurModel.SMFD), Optional.of(DeblurModel.SMFD));
            assertThat(r).extracting(DeblurResult::deblurred).containsExactly(true, true, true, true);
            assertThat(r.get(0).image()).isEqualTo(plusOffset(MOTION));
            assertThat(r.get(2).image()).isNotEqualTo(GAUSSIAN).isNotEqualTo(plusOffset(GAUSSIAN));
            assertThat(in.stream().map(d::modelFor).toList()).isEqualTo(r.stream().map(DeblurResult::model).toList());
            List<FaceImage> out = d.deblurAll(in);
            for (int i = 0; i < in.size(); i++) {
                assertThat(out.get(i)).isEqualTo(r.get(i).image());
            }
            assertThat(d.deblur(MOTION)).isEqualTo(r.get(0).image());
        }
        assertThat(maxim.calls).isNotEmpty().allSatisfy(c -> assertThat(c.height()).isEqualTo(128));
        assertThat(maxim.calls.stream().mapToInt(FakeBackend.Call::batch).sum()).as("MOTION only, three times")
                .isEqualTo(3);
        assertThat(maxim.closeCount).hasValue(1);
        assertThat(smfd.closeCount).hasValue(1);
    }

    @Test
    void sharpFacesStillPassThroughUntouchedUnderAuto() {
        FakeMaxim.Backend maxim = new FakeMaxim.Backend();
        FakeBackend smfd = darkening();
        try (DefaultDeblurrer d = deblurrer(smfd, maxim, SharpFacePolicy.PASS_THROUGH, AUTO)) {
            List<DeblurResult> r = d.deblurAllWithResults(List.of(SHARP, GAUSSIAN));
            assertThat(r).extracting(DeblurResult::model).containsExactly(Optional.empty(),
                    Optional.of(DeblurModel.SMFD));
            assertThat(r.get(0).image()).isSameAs(SHARP);
            assertThat(d.deblur(SHARP)).isSameAs(SHARP);
            assertThat(d.deblurAll(List.of(SHARP)).get(0)).isSameAs(SHARP);
            assertThat(d.modelFor(SHARP)).isEmpty();
        }
        assertThat(maxim.calls).isEmpty();
        assertThat(smfd.calls).hasSize(1);
    }

    @Test
    void maximIsPaddedToMultiplesOf64AndCroppedBack() {
        FaceImage odd = DefaultDeblurrerTest.random(100, 70, 9);
        FakeMaxim.Backend maxim = new FakeMaxim.Backend();
        try (DefaultDeblurrer d = deblurrer(darkening(), maxim, SharpFacePolicy.DEBLUR,
                new Routing(ModelChoice.MAXIM, ModelChoice.DEFAULT_MOTION_THRESHOLD))) {
            FaceImage out = d.deblur(odd);
            assertThat(out.width()).isEqualTo(100);
            assertThat(out.height()).isEqualTo(70);
            assertThat(out).isEqualTo(plusOffset(odd));
        }
        assertThat(maxim.calls).hasSize(1);
        assertThat(maxim.calls.get(0).width()).isEqualTo(128);
        assertThat(maxim.calls.get(0).height()).isEqualTo(128);
    }

    @Test
    void masksComeFromSmfdWhenMaximDeblurs() {
        FakeBackend smfd = darkening();
        try (DefaultDeblurrer d = deblurrer(smfd, new FakeMaxim.Backend(), SharpFacePolicy.DEBLUR, AUTO)) {
            DeblurResult r = d.deblurWithMasks(MOTION);
            assertThat(r.model()).contains(DeblurModel.MAXIM);
            assertThat(r.image()).isEqualTo(plusOffset(MOTION));
            assertThat(r.masks()).isPresent();
            assertThat(r.masks().get().classNames()).isEqualTo(FakeBackend.CLASSES);
            assertThat(smfd.calls).hasSize(1);
        }
        try (DefaultDeblurrer d = deblurrer(darkening(), new FakeMaxim.Backend(), SharpFacePolicy.PASS_THROUGH, AUTO)) {
            DeblurResult sharp = d.deblurWithMasks(SHARP);
            assertThat(sharp.model()).isEmpty();
            assertThat(sharp.image()).isSameAs(SHARP);
            assertThat(sharp.masks()).isPresent();
        }
    }

    @Test
    void modelInfoDescribesBothModels() {
        try (DefaultDeblurrer d = deblurrer(darkening(), new FakeMaxim.Backend(), SharpFacePolicy.PASS_THROUGH, AUTO)) {
            assertThat(d.modelChoice()).isEqualTo(ModelChoice.AUTO);
            List<ModelInfo> models = d.models();
            assertThat(models).hasSize(2);
            assertThat(models.get(0)).isEqualTo(d.modelInfo());
            ModelInfo maxim = models.get(1);
            assertThat(maxim.classNames()).isEmpty();
            assertThat(maxim.sizeMultiple()).isEqualTo(64);
            assertThat(maxim.version()).isEqualTo("fake-maxim-1");
            assertThat(maxim.source()).contains("io.smfd:smfd-model-maxim");
            assertThat(maxim.sha256()).isEqualTo(new FakeMaxim.Model().sha256());
            assertThat(maxim.summary()).contains("no masks");
            assertThat(maxim.assessmentCalibration()).contains("SMFD-UNet's calibration");
            assertThat(d.toString()).contains("AUTO");
        }
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", darkening(), DefaultDeblurrerTest.MODEL)) {
            assertThat(d.modelChoice()).isEqualTo(ModelChoice.SMFD);
            assertThat(d.models()).containsExactly(d.modelInfo());
        }
    }

    @Test
    void aMaximBackendIsNeededExactlyWhenTheRoutingUsesMaxim() {
        assertThatThrownBy(() -> deblurrer(darkening(), null, SharpFacePolicy.DEBLUR, AUTO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> deblurrer(darkening(), new FakeMaxim.Backend(), SharpFacePolicy.DEBLUR, Routing.SMFD))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ backend selection

    private static final String BACKENDS = "META-INF/services/" + DeblurBackendProvider.class.getName();
    private static final String MODELS = "META-INF/services/" + ModelProvider.class.getName();
    private static final BackendConfig CONFIG = BackendConfig.of(Device.AUTO, 1, DefaultDeblurrerTest.MODEL);

    /** A loader that sees exactly these backend providers and, unless {@code withMaxim}, no model provider. */
    private ClassLoader loader(boolean withMaxim, String... providers) throws IOException {
        Path file = tmp.resolve("services-" + System.nanoTime());
        Files.write(file, String.join("\n", providers).getBytes(StandardCharsets.UTF_8));
        URL url = file.toUri().toURL();
        return new ClassLoader(getClass().getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                if (BACKENDS.equals(name)) {
                    return Collections.enumeration(List.of(url));
                }
                if (MODELS.equals(name) && !withMaxim) {
                    return Collections.emptyEnumeration();
                }
                return super.getResources(name);
            }
        };
    }

    private static Deblurrer open(String backend, ClassLoader loader, ModelChoice choice) {
        return BackendSelector.open(backend, null, CONFIG, List.of(loader), SharpFacePolicy.DEBLUR,
                new Routing(choice, ModelChoice.DEFAULT_MOTION_THRESHOLD));
    }

    @Test
    void missingMaximArtifactIsAModelExceptionNamingIt() throws IOException {
        ClassLoader l = loader(false, FakeMaxim.Runner.class.getName());
        for (ModelChoice c : List.of(ModelChoice.MAXIM, ModelChoice.AUTO)) {
            assertThatThrownBy(() -> open(null, l, c))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("io.smfd:smfd-model-maxim")
                    .hasMessageContaining("ModelChoice.SMFD")
                    .satisfies(e -> assertThat(((ModelException) e).reason()).isEqualTo(Reason.MODEL_NOT_FOUND));
        }
        try (Deblurrer d = open(null, l, ModelChoice.SMFD)) {
            assertThat(d.models()).hasSize(1);
        }
    }

    @Test
    void aBackendNamedExplicitlyThatCannotRunMaximIsRefused() throws IOException {
        ClassLoader l = loader(true, FakeProviders.Low.class.getName(), FakeMaxim.Runner.class.getName());
        assertThatThrownBy(() -> open("fake-low", l, ModelChoice.AUTO))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("'fake-low'")
                .hasMessageContaining("cannot run MAXIM")
                .hasMessageContaining("onnx");
        try (Deblurrer d = open("fake-low", l, ModelChoice.SMFD)) {
            assertThat(d.backendName()).isEqualTo("fake-low");
        }
    }

    @Test
    void automaticSelectionPicksABackendThatRunsMaxim() throws IOException {
        ClassLoader l = loader(true, FakeProviders.High.class.getName(), FakeMaxim.Runner.class.getName());
        try (Deblurrer d = open(null, l, ModelChoice.AUTO)) {
            assertThat(d.backendName()).as("fake-high (priority 200) cannot run MAXIM").isEqualTo("fake-maxim");
            assertThat(d.modelChoice()).isEqualTo(ModelChoice.AUTO);
            assertThat(d.models()).hasSize(2);
            assertThat(d.deblurAllWithResults(List.of(MOTION)).get(0).model()).contains(DeblurModel.MAXIM);
        }
        try (Deblurrer d = open(null, l, ModelChoice.SMFD)) {
            assertThat(d.backendName()).isEqualTo("fake-high");
        }
        ClassLoader none = loader(true, FakeProviders.High.class.getName(), FakeProviders.Low.class.getName());
        assertThatThrownBy(() -> open(null, none, ModelChoice.MAXIM))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("runs MAXIM")
                .hasMessageContaining("fake-high, fake-low");
    }
}

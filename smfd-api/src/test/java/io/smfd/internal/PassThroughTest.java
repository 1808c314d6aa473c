package io.smfd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.BlurAssessment;
import io.smfd.DeblurResult;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import io.smfd.SmfdException;
import io.smfd.fakes.FakeBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sharp-face policy of {@link DefaultDeblurrer}, with a fake network that darkens every pixel. */
class PassThroughTest {

    private static final FaceImage SHARP = BlurEstimatorTest.card(128, 128, 2);
    private static final FaceImage BLURRY = BlurEstimatorTest.blur(BlurEstimatorTest.card(128, 128, 3), 2.0);

    private static FakeBackend darkening() {
        return new FakeBackend(8, in -> {
            float[] out = in.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] *= 0.5f;
            }
            return out;
        });
    }

    @Test
    void testImagesAreOnEitherSideOfTheThreshold() {
        assertThat(BlurEstimator.assess(SHARP).needsDeblurring()).isFalse();
        assertThat(BlurEstimator.assess(BLURRY).needsDeblurring()).isTrue();
    }

    @Test
    void passThroughReturnsSharpFacesUntouchedWithoutRunningTheNetwork() {
        FakeBackend backend = darkening();
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, DefaultDeblurrerTest.MODEL, SharpFacePolicy.PASS_THROUGH)) {
            assertThat(d.deblur(SHARP)).isSameAs(SHARP);
            assertThat(backend.calls).isEmpty();
            FaceImage out = d.deblur(BLURRY);
            assertThat(out).isNotEqualTo(BLURRY);
            assertThat(backend.calls).hasSize(1);
        }
    }

    @Test
    void deblurAllSendsOnlyTheBlurredFacesAndKeepsTheOrder() {
        FakeBackend backend = darkening();
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, DefaultDeblurrerTest.MODEL, SharpFacePolicy.PASS_THROUGH)) {
            List<FaceImage> out = d.deblurAll(List.of(SHARP, BLURRY, SHARP));
            assertThat(out.get(0)).isSameAs(SHARP);
            assertThat(out.get(2)).isSameAs(SHARP);
            assertThat(out.get(1)).isNotEqualTo(BLURRY);
            assertThat(backend.calls).hasSize(1);
            assertThat(backend.calls.get(0).batch()).isEqualTo(1);
            assertThat(d.deblurAll(List.of(SHARP, SHARP))).containsExactly(SHARP, SHARP);
            assertThat(backend.calls).hasSize(1);
        }
    }

    @Test
    void deblurWithMasksCarriesTheAssessmentAndSaysWhetherItDeblurred() {
        FakeBackend backend = darkening();
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, DefaultDeblurrerTest.MODEL, SharpFacePolicy.PASS_THROUGH)) {
            DeblurResult sharp = d.deblurWithMasks(SHARP);
            assertThat(sharp.deblurred()).isFalse();
            assertThat(sharp.image()).isSameAs(SHARP);
            assertThat(sharp.assessment()).isEqualTo(d.assess(SHARP));
            assertThat(sharp.masks().orElseThrow().width()).isEqualTo(128);
            DeblurResult blurry = d.deblurWithMasks(BLURRY);
            assertThat(blurry.deblurred()).isTrue();
            assertThat(blurry.image()).isNotEqualTo(BLURRY);
            assertThat(blurry.assessment().needsDeblurring()).isTrue();
        }
    }

    @Test
    void deblurAllWithResultsReportsEachFaceTheWayDeblurWithMasksDoes() {
        FakeBackend backend = darkening();
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, DefaultDeblurrerTest.MODEL, SharpFacePolicy.PASS_THROUGH)) {
            List<DeblurResult> r = d.deblurAllWithResults(List.of(SHARP, BLURRY, SHARP));
            assertThat(backend.calls).hasSize(1); // only the blurry face went to the network
            assertThat(r).extracting(DeblurResult::deblurred).containsExactly(false, true, false);
            assertThat(r.get(0).image()).isSameAs(SHARP);
            assertThat(r.get(2).image()).isSameAs(SHARP);
            assertThat(r.get(1).image()).isEqualTo(d.deblurAll(List.of(BLURRY)).get(0));
            assertThat(r).extracting(DeblurResult::assessment)
                    .containsExactly(d.assess(SHARP), d.assess(BLURRY), d.assess(SHARP));
            assertThat(r).allSatisfy(x -> assertThat(x.masks()).isEmpty());
            // the same decision and the same report as deblurWithMasks, face by face
            DeblurResult single = d.deblurWithMasks(SHARP);
            assertThat(single.deblurred()).isEqualTo(r.get(0).deblurred());
            assertThat(single.assessment()).isEqualTo(r.get(0).assessment());
            assertThat(d.deblurWithMasks(BLURRY).image()).isEqualTo(r.get(1).image());
            assertThat(d.deblurAllWithResults(List.of())).isEmpty();
        }
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", darkening(), DefaultDeblurrerTest.MODEL, SharpFacePolicy.DEBLUR)) {
            assertThat(d.deblurAllWithResults(List.of(SHARP, BLURRY))).extracting(DeblurResult::deblurred)
                    .containsExactly(true, true);
            assertThatThrownBy(() -> d.deblurAllWithResults(java.util.Arrays.asList(SHARP, null)))
                    .isInstanceOf(NullPointerException.class).hasMessage("images[1]");
        }
    }

    @Test
    void unmeasurableCropsArePassedThroughAndReported() {
        float[] grey = new float[3 * 96 * 96];
        java.util.Arrays.fill(grey, 0.4f);
        FaceImage flat = FaceImage.fromPlanarFloat(96, 96, grey);
        FakeBackend backend = darkening();
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, DefaultDeblurrerTest.MODEL, SharpFacePolicy.PASS_THROUGH)) {
            assertThat(d.deblur(flat)).isSameAs(flat);
            DeblurResult r = d.deblurAllWithResults(List.of(flat)).get(0);
            assertThat(r.deblurred()).isFalse();
            assertThat(r.assessment().kind()).isEqualTo(BlurAssessment.Kind.UNMEASURABLE);
            assertThat(backend.calls).isEmpty();
        }
    }

    @Test
    void deblurPolicyRunsTheNetworkOnEveryFace() {
        FakeBackend backend = darkening();
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", backend, DefaultDeblurrerTest.MODEL, SharpFacePolicy.DEBLUR)) {
            assertThat(d.deblur(SHARP)).isNotEqualTo(SHARP);
            DeblurResult r = d.deblurWithMasks(SHARP);
            assertThat(r.deblurred()).isTrue();
            assertThat(r.assessment().needsDeblurring()).isFalse();
            assertThat(backend.calls).hasSize(2);
        }
    }

    @Test
    void closedDeblurrerRefusesAssessAndPassThrough() {
        DefaultDeblurrer d = new DefaultDeblurrer("fake", darkening(), DefaultDeblurrerTest.MODEL, SharpFacePolicy.PASS_THROUGH);
        d.close();
        for (Runnable call : List.<Runnable>of(() -> d.assess(SHARP), () -> d.deblur(SHARP), () -> d.deblurAll(List.of(SHARP)),
                () -> d.deblurWithMasks(SHARP), () -> d.deblurAllWithResults(List.of(SHARP)))) {
            assertThatThrownBy(call::run).isInstanceOf(SmfdException.class)
                    .extracting(e -> ((SmfdException) e).reason()).isEqualTo(SmfdException.Reason.CLOSED);
        }
    }

    @Test
    void nullArgumentsAreNamed() {
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", darkening(), DefaultDeblurrerTest.MODEL, SharpFacePolicy.PASS_THROUGH)) {
            assertThatThrownBy(() -> d.assess(null)).isInstanceOf(NullPointerException.class).hasMessage("image");
        }
        assertThatThrownBy(() -> Deblurrer.builder().sharpFaces(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("policy");
        assertThatThrownBy(() -> new DefaultDeblurrer("fake", darkening(), DefaultDeblurrerTest.MODEL, null))
                .isInstanceOf(NullPointerException.class).hasMessage("sharpFaces");
    }

    @Test
    void assessmentIsTheSameWhateverThePolicy() {
        try (DefaultDeblurrer a = new DefaultDeblurrer("fake", darkening(), DefaultDeblurrerTest.MODEL, SharpFacePolicy.PASS_THROUGH);
             DefaultDeblurrer b = new DefaultDeblurrer("fake", darkening(), DefaultDeblurrerTest.MODEL, SharpFacePolicy.DEBLUR)) {
            BlurAssessment x = a.assess(BLURRY);
            assertThat(b.assess(BLURRY)).isEqualTo(x);
            assertThat(x.severity()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void thePassThroughThresholdMovesTheLineForEveryCall() {
        double sharp = BlurEstimator.assess(SHARP).severity();
        double blurry = BlurEstimator.assess(BLURRY).severity();
        assertThat(sharp).isLessThan(BlurAssessment.THRESHOLD);
        assertThat(blurry).isBetween(BlurAssessment.THRESHOLD, 1.0 - 1e-9);
        // a line below the sharp face's severity deblurs it; one above the blurry face's passes that through
        FakeBackend low = darkening();
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", low, DefaultDeblurrerTest.MODEL, SharpFacePolicy.PASS_THROUGH,
                null, new Routing(io.smfd.ModelChoice.SMFD, io.smfd.ModelChoice.DEFAULT_MOTION_THRESHOLD, sharp / 2))) {
            assertThat(d.deblur(SHARP)).isNotEqualTo(SHARP);
            assertThat(d.modelFor(SHARP)).contains(io.smfd.DeblurModel.SMFD);
            DeblurResult r = d.deblurWithMasks(SHARP);
            assertThat(r.deblurred()).isTrue();
            assertThat(r.assessment().needsDeblurring()).as("the assessment keeps the default line").isFalse();
            assertThat(d.deblurAll(List.of(SHARP, BLURRY))).noneMatch(f -> f == SHARP || f == BLURRY);
        }
        FakeBackend high = darkening();
        try (DefaultDeblurrer d = new DefaultDeblurrer("fake", high, DefaultDeblurrerTest.MODEL, SharpFacePolicy.PASS_THROUGH,
                null, new Routing(io.smfd.ModelChoice.SMFD, io.smfd.ModelChoice.DEFAULT_MOTION_THRESHOLD, Math.min(1.0, blurry + 1e-6)))) {
            assertThat(d.deblur(BLURRY)).isSameAs(BLURRY);
            assertThat(d.modelFor(BLURRY)).isEmpty();
            assertThat(d.deblurAll(List.of(SHARP, BLURRY))).containsExactly(SHARP, BLURRY);
            assertThat(high.calls).as("no face reached the network").isEmpty();
            DeblurResult r = d.deblurWithMasks(BLURRY); // runs the network for the masks only
            assertThat(r.deblurred()).isFalse();
            assertThat(r.image()).isSameAs(BLURRY);
        }
    }

    @Test
    void routingRefusesAThresholdOutsideTheSeverityRange() {
        assertThatThrownBy(() -> new Routing(io.smfd.ModelChoice.SMFD, 0.45, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Routing(io.smfd.ModelChoice.SMFD, 0.45, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Routing.SMFD.passThreshold()).isEqualTo(BlurAssessment.THRESHOLD);
    }
}

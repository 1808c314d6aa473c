package io.smfd.degrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** build() and Range.of reject bad settings with clear messages. */
class BuilderValidationTest {

    private static void rejects(DegradationPipeline.Builder b, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage()
                + "' should mention '" + fragment + "'");
    }

    @Test
    void rejectsBadWeightsAndProbabilities() {
        rejects(DegradationPipeline.builder().familyWeights(-1, 1, 1, 1), "trajectory family weight");
        rejects(DegradationPipeline.builder().familyWeights(0, 0, 0, 0), "positive finite sum");
        rejects(DegradationPipeline.builder().familyWeights(1, Double.NaN, 1, 1), "linear family weight");
        rejects(DegradationPipeline.builder().scaleProbability(1.5), "scaleProbability");
        rejects(DegradationPipeline.builder().noiseProbability(-0.1), "noiseProbability");
        rejects(DegradationPipeline.builder().jpegProbability(Double.NaN), "jpegProbability");
        rejects(DegradationPipeline.builder().gaussianNoiseProbability(2), "gaussianNoiseProbability");
        rejects(DegradationPipeline.builder().noiseFirstProbability(2), "noiseFirstProbability");
        rejects(DegradationPipeline.builder().isotropicGaussianProbability(-1),
                "isotropicGaussianProbability");
    }

    @Test
    void rejectsRangesOutsideParameterBounds() {
        rejects(DegradationPipeline.builder().range(Parameter.JPEG_QUALITY, Range.of(0, 50, 1)),
                "JPEG_QUALITY");
        rejects(DegradationPipeline.builder().range(Parameter.JPEG_QUALITY, Range.of(40, 41, 0.5)),
                "integer");
        rejects(DegradationPipeline.builder().range(Parameter.TRAJECTORY_SIZE, Range.of(8, 30, 2)),
                "odd");
        rejects(DegradationPipeline.builder().range(Parameter.TRAJECTORY_SIZE, Range.of(9, 31, 1)),
                "odd");
        rejects(DegradationPipeline.builder().range(Parameter.GAUSSIAN_SIGMA, Range.of(0, 2, 0.5)),
                "GAUSSIAN_SIGMA");
        rejects(DegradationPipeline.builder().range(Parameter.SCALE_FACTOR, Range.of(0.5, 1.5, 0.5)),
                "SCALE_FACTOR");
    }

    @Test
    void rangeRejectsMalformedGrids() {
        assertThrows(IllegalArgumentException.class, () -> Range.of(2, 1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> Range.of(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Range.of(0, 1, -0.1));
        assertThrows(IllegalArgumentException.class, () -> Range.of(0, 1, 0.3));
        assertThrows(IllegalArgumentException.class, () -> Range.of(0, Double.POSITIVE_INFINITY, 1));
        assertThrows(IllegalArgumentException.class, () -> Range.of(0, 1e7, 1));
        assertThrows(NullPointerException.class,
                () -> DegradationPipeline.builder().range(Parameter.GAUSSIAN_SIGMA, null));
    }

    @Test
    void rangeLevelsMatchReferenceGrid() {
        assertEquals(20, Range.of(0.005, 0.1, 0.005).levels());
        assertEquals(360, Range.of(0, 359, 1).levels());
        assertEquals(36, Range.of(0.5, 4.0, 0.1).levels());
        assertEquals(1, Range.fixed(3.5).levels());
        assertEquals(0.75, Range.of(0.5, 1.0, 0.05).value(5), 1e-15);
    }

    @Test
    void builderRoundTripsSettings() {
        DegradationPipeline p = DegradationPipeline.builder()
                .range(Parameter.DEFOCUS_RADIUS, Range.of(2, 3, 0.5)).build();
        DegradationPipeline q = p.toBuilder().build();
        assertEquals(Range.of(2, 3, 0.5), q.range(Parameter.DEFOCUS_RADIUS));
        assertEquals(p.scenarioCount(), q.scenarioCount());
        assertEquals(Parameter.LINEAR_LENGTH.defaultRange(), p.range(Parameter.LINEAR_LENGTH));
    }
}

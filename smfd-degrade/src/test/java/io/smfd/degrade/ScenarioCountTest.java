package io.smfd.degrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The scenario count documented in docs/degradation.md. */
class ScenarioCountTest {

    @Test
    void defaultCountExceedsSmfdUnetScenarios() {
        BigInteger n = DegradationPipeline.defaults().scenarioCount();
        long trajectory = 12L * 11 * 360 * 20 * 11 * 19 * 15 * 11;
        long linear = 57L * 180;
        long gaussian = 36L + 36L * 36 * 180;
        long defocus = 29;
        long blur = trajectory + linear + gaussian + defocus;
        assertEquals(32_774_787_605L, blur);
        long post = (1 + 34) + 9 * (1 + 34 * 2); // scale absent / present (x2 orders)
        assertEquals(656, post);
        assertEquals(BigInteger.valueOf(blur).multiply(BigInteger.valueOf(post * 57)), n);
        assertEquals(new BigInteger("1225514858126160"), n);
        assertTrue(n.doubleValue() > 1.74e12, "count " + n + " must exceed 1.74e12");
    }

    @Test
    void countFollowsConfiguration() {
        BigInteger linearOnly = DegradationPipeline.builder().familyWeights(0, 1, 0, 0)
                .scaleProbability(0).noiseProbability(0).jpegProbability(0).build()
                .scenarioCount();
        assertEquals(BigInteger.valueOf(57 * 180), linearOnly);

        BigInteger alwaysJpeg = DegradationPipeline.builder().familyWeights(0, 0, 0, 1)
                .scaleProbability(1).noiseProbability(1).gaussianNoiseProbability(1)
                .noiseFirstProbability(1).jpegProbability(1).build().scenarioCount();
        assertEquals(BigInteger.valueOf(29L * 9 * 15 * 56), alwaysJpeg);

        BigInteger isoOnly = DegradationPipeline.builder().familyWeights(0, 0, 1, 0)
                .isotropicGaussianProbability(1).range(Parameter.GAUSSIAN_SIGMA, Range.of(1, 2, 0.5))
                .scaleProbability(0).noiseProbability(0).jpegProbability(0).build()
                .scenarioCount();
        assertEquals(BigInteger.valueOf(3), isoOnly);
    }
}

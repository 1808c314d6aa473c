package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import io.smfd.degrade.BlurFamily;
import io.smfd.degrade.Degradation;
import io.smfd.degrade.DegradationPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link IdentityStats}, the MILD set's pipeline and the NIQE model lookup of {@link Evaluation}. */
class IdentityStatsTest {

    @Test
    void summaryUsesNumpyPercentilesAndTheSamePersonThreshold() {
        // numpy: np.percentile([0.1, 0.2, 0.3, 0.7, 0.9], [50, 95]) = [0.3, 0.86]
        IdentityStats.Summary s = IdentityStats.summarise(new double[] {0.7, 0.1, Double.NaN, 0.9, 0.3, 0.2});
        assertThat(s.n()).isEqualTo(5);
        assertThat(s.mean()).isCloseTo(0.44, within(1e-12));
        assertThat(s.median()).isCloseTo(0.3, within(1e-12));
        assertThat(s.p95()).isCloseTo(0.86, within(1e-12));
        assertThat(s.within()).isCloseTo(0.6, within(1e-12)); // 0.1, 0.2, 0.3 below 0.6
        assertThat(IdentityStats.summarise(new double[] {0.6}).within()).isZero(); // strictly below
        assertThat(IdentityStats.summarise(new double[] {Double.NaN}).mean()).isNaN();
    }

    /** One-dimensional "descriptors" so that distances are |a - b|. */
    private static float[] d(double v) {
        return new float[] {(float) v};
    }

    @Test
    void verificationThresholdComesFromTheImpostorDistances() {
        // 4 faces on a line: gallery at 0, 10, 20, 30; probes displaced by 1, 2, 3, 8
        List<float[]> gallery = List.of(d(0), d(10), d(20), d(30));
        List<float[]> probes = List.of(d(1), d(12), d(23), d(38));
        IdentityStats.Verification v = IdentityStats.verify(gallery, probes);
        assertThat(v.genuine()).isEqualTo(4);
        assertThat(v.impostors()).isEqualTo(12);
        // impostor distances: probe 1 -> 9, 19, 29; 12 -> 12, 8, 18; 23 -> 23, 13, 7; 38 -> 38, 28, 18
        // sorted: 7 8 9 12 13 18 18 19 23 28 29 38; floor(1e-2 * 12) = 0 -> threshold = 7, nothing accepted
        assertThat(v.thresholds()[0]).isEqualTo(7.0);
        assertThat(v.achievedFar()[0]).isZero();
        assertThat(v.tar()[0]).isEqualTo(0.75); // genuine 1, 2, 3 < 7; 8 is not
        assertThat(v.tarAtThreshold()).isZero(); // nothing below 0.6
        assertThat(v.farAtThreshold()).isZero();

        // 40 faces: even probes 0.25 from their gallery face, odd ones 0.75; FAR 1e-2 of 1560 -> 15 allowed
        List<float[]> g = new ArrayList<>();
        List<float[]> p = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            g.add(d(i));
            p.add(d(i + (i % 2 == 0 ? 0.25 : 0.75)));
        }
        IdentityStats.Verification w = IdentityStats.verify(g, p);
        assertThat(w.impostors()).isEqualTo(1560);
        // the closest impostors: odd probes i + 0.75 against gallery i + 1 (19 of them, i = 1..37) at 0.25
        assertThat(w.thresholds()).containsExactly(0.25, 0.25);
        assertThat(w.achievedFar()).containsExactly(0.0, 0.0);
        assertThat(w.tar()).containsExactly(0.0, 0.0); // 0.25 is not strictly below 0.25
        assertThat(w.tarAtThreshold()).isEqualTo(0.5); // the even probes, 0.25 < 0.6
        assertThat(w.farAtThreshold()).isCloseTo(19.0 / 1560, within(1e-12));
        assertThatIllegalArgumentException().isThrownBy(() -> IdentityStats.verify(List.of(d(0)), List.of(d(0))))
                .withMessageContaining("at least 2");
    }

    @Test
    void mildPipelineIsBlurOnlyAndSmall() {
        DegradationPipeline mild = Evaluation.mildPipeline();
        int gaussian = 0;
        int shake = 0;
        for (int id = 4500; id < 4700; id++) {
            Degradation d = mild.sample(Evaluation.MILD_SEED_BASE + id);
            assertThat(d.noiseType()).isEmpty();
            assertThat(d.jpegQuality()).isEmpty();
            assertThat(d.scale()).isEmpty();
            if (d.family() == BlurFamily.GAUSSIAN) {
                gaussian++;
                assertThat(d.parameters().get("sigma1")).isBetween(0.3 - 1e-9, 1.0 + 1e-9)
                        .isEqualTo(d.parameters().get("sigma2"));
            } else {
                assertThat(d.family()).isEqualTo(BlurFamily.TRAJECTORY);
                shake++;
                assertThat(d.kernelSize()).isIn(5, 7, 9);
            }
            assertThat(Evaluation.radiusOfGyration(d.kernel(), d.kernelSize())).isLessThan(3.0);
            // seeded per face id: the same draw every time
            assertThat(mild.sample(Evaluation.MILD_SEED_BASE + id).describe()).isEqualTo(d.describe());
        }
        assertThat(gaussian).isBetween(70, 130);
        assertThat(shake).isEqualTo(200 - gaussian);
    }

    @Test
    void niqeIsSkippedWithAReasonWhenThePristineModelIsAbsent(@TempDir Path dir) {
        Evaluation.Run run = new Evaluation.Run();
        String old = System.getProperty(Evaluation.NIQE_PARAMS_PROPERTY);
        try {
            System.setProperty(Evaluation.NIQE_PARAMS_PROPERTY, dir.resolve("absent.json").toString());
            Evaluation.loadNiqe(run, dir);
            assertThat(run.niqe).isNull();
            assertThat(run.niqeStatus).startsWith("skipped:").contains("niqe_pristine_params.json", "licence",
                    "-Dsmfd.niqe.params=FILE");
        } finally {
            if (old == null) {
                System.clearProperty(Evaluation.NIQE_PARAMS_PROPERTY);
            } else {
                System.setProperty(Evaluation.NIQE_PARAMS_PROPERTY, old);
            }
        }
    }
}

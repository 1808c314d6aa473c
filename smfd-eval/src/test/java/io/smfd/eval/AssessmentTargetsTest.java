package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.BlurAssessment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AssessmentTargets} counts "missed" as the deployment matrix does, per cell and geometry. */
class AssessmentTargetsTest {

    private static AssessmentTargets.Outcome o(int cell, double gain, double severity) {
        return new AssessmentTargets.Outcome(1, DeploymentMatrix.Geometry.WHOLE_160, cell, 1.0, 30, 30 + gain,
                BlurAssessment.of(severity, 1.0));
    }

    @Test
    void missedIsPassedThroughWithAGainOfHalfADecibelOrMore() {
        assertThat(o(0, 0.5, 0.49).missed()).isTrue();
        assertThat(o(0, 0.49, 0.49).missed()).isFalse(); // passed, but forcing would not gain enough
        assertThat(o(0, 3.0, 0.5).missed()).isFalse();   // severity at the threshold: deblurred
        List<AssessmentTargets.Outcome> cells = List.of(o(0, 1, 0.1), o(0, 1, 0.9), o(0, 0.1, 0.1), o(0, 1, 0.9),
                o(3, 1, 0.9), o(3, -1, 0.2));
        List<BlurAssessment[]> sharp = List.of(
                new BlurAssessment[] {BlurAssessment.of(0.1, 0), BlurAssessment.of(0.7, 0), BlurAssessment.of(0.1, 0)},
                new BlurAssessment[] {BlurAssessment.of(0.1, 0), BlurAssessment.of(0.2, 0), BlurAssessment.of(0.1, 0)});
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AssessmentTargets.report(cells, sharp, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("linear 5 px                        n   4  passed  50.0%  missed  25.0% (>5%)")
                .contains("linear 9 px + noise/JPEG           n   2  passed  50.0%  missed   0.0%")
                .contains("all cells: passed 50.0%, missed 16.7% (worst 25.0%: linear 5 px); sharp faces passed"
                        + " through 1/2 (50.0%)")
                .contains("cells with missed > 5%: 1");
    }

    @Test
    void tradeOffMovesThePassThroughLine() {
        // 160 px: cell 0 has a gainer at severity 0.3 and one at 0.9; cell 3 a gainer at 0.15
        List<AssessmentTargets.Outcome> cells = List.of(o(0, 1, 0.3), o(0, 1, 0.9), o(3, 1, 0.15), o(3, 0.1, 0.05));
        List<BlurAssessment[]> sharp = List.of(
                new BlurAssessment[] {BlurAssessment.of(0.1, 0), BlurAssessment.of(0.25, 0), BlurAssessment.of(0.1, 0)},
                new BlurAssessment[] {BlurAssessment.of(0.1, 0), BlurAssessment.of(0.05, 0), BlurAssessment.of(0.1, 0)});
        AssessmentTargets.TradeOff at05 = at(AssessmentTargets.tradeOff(cells, sharp, 0.5));
        assertThat(at05.sharpPassed()).isEqualTo(1.0);
        assertThat(at05.missed()).isEqualTo(0.5);            // the 0.3 and 0.15 gainers pass; the 0.05 face gains 0.1
        assertThat(at05.cellsOver5()).isEqualTo(2);
        AssessmentTargets.TradeOff at02 = at(AssessmentTargets.tradeOff(cells, sharp, 0.2));
        assertThat(at02.sharpPassed()).isEqualTo(0.5);       // the sharp face at 0.25 is now deblurred
        assertThat(at02.missed()).isEqualTo(0.25);
        assertThat(at02.cellsOver5()).isEqualTo(1);
        AssessmentTargets.TradeOff at0 = at(AssessmentTargets.tradeOff(cells, sharp, 0.0));
        assertThat(at0.sharpPassed()).isZero();
        assertThat(at0.missed()).isZero();
        assertThat(at0.cellsOver5()).isZero();
    }

    private static AssessmentTargets.TradeOff at(List<AssessmentTargets.TradeOff> all) {
        return all.stream().filter(t -> t.geometry() == DeploymentMatrix.Geometry.WHOLE_160).findFirst().orElseThrow();
    }
}

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
}

package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.smfd.eval.Evaluation.FaceResult;
import io.smfd.eval.Evaluation.FaceSet;
import io.smfd.eval.Evaluation.Method;
import io.smfd.eval.Evaluation.Metric;
import org.junit.jupiter.api.Test;

class AssessmentReportTest {

    private static FaceResult face(FaceSet set, double rg, double psnrIn, double psnrSmfd, double severity, double extent) {
        FaceResult f = new FaceResult();
        f.set = set;
        f.strength = rg;
        f.values[Method.BLURRY.ordinal()][Metric.PSNR_RGB.ordinal()] = psnrIn;
        f.values[Method.SMFD.ordinal()][Metric.PSNR_RGB.ordinal()] = psnrSmfd;
        f.assessSeverity = severity;
        f.assessExtent = extent;
        f.assessNeedsDeblurring = severity >= 0.5;
        f.assessSeconds = 0.002;
        f.smfdSeconds = 0.1;
        return f;
    }

    @Test
    void policyOnKeepsThePassedInputAndCapsInfinitePsnr() {
        Evaluation.Run run = new Evaluation.Run();
        run.faces.add(face(FaceSet.DEFAULT, 4.0, 25.0, 28.0, 0.9, 3.5));   // gains 3 dB, deblurred
        run.faces.add(face(FaceSet.DEFAULT, 1.0, 35.0, 34.0, 0.3, 1.2));   // loses 1 dB, passed through
        run.sharpSet.add(face(FaceSet.SHARP, 0, Double.POSITIVE_INFINITY, 37.0, 0.1, 0.2));
        run.mildSet.add(face(FaceSet.MILD, 1.1, 40.0, 36.0, 0.6, 1.3));    // wrongly deblurred
        AssessmentReport.Figures f = AssessmentReport.figures(AssessmentReport.mixed(run));
        assertThat(f.faces()).isEqualTo(4);
        assertThat(f.positives()).isEqualTo(1);
        assertThat(f.passed()).isEqualTo(2);
        assertThat(f.psnrOff()).isEqualTo((28 + 34 + 37 + 36) / 4.0, within(1e-9));
        assertThat(f.psnrOn()).isEqualTo((28 + 35 + ImageMetrics.PSNR_CAP_DB + 36) / 4.0, within(1e-9));
        assertThat(f.auc()).isEqualTo(1.0); // the one positive has the highest severity
        assertThat(f.spearman()).isEqualTo(1.0, within(1e-12)); // estimated extents rank like the true 0 < 1.0 < 1.1 < 4
        assertThat(AssessmentReport.sharpUnchanged(run)).isEqualTo(1);
        StringBuilder md = new StringBuilder();
        AssessmentReport.markdown(md, run);
        assertThat(md).contains("## Blur assessment").contains("Sharp faces returned exactly unchanged with the policy on: 1 of 1")
                .contains("ratio of medians 2.0%");
        assertThat(AssessmentReport.json(run)).contains("\"sharpUnchanged\": 1").contains("\"costRatio\": 0.0200000");
    }

    @Test
    void skippedWhenSmfdDidNotRun() {
        Evaluation.Run run = new Evaluation.Run();
        FaceResult f = new FaceResult();
        run.faces.add(f);
        StringBuilder md = new StringBuilder();
        AssessmentReport.markdown(md, run);
        assertThat(md).contains("Skipped");
        assertThat(AssessmentReport.json(run)).isEqualTo("null");
    }
}

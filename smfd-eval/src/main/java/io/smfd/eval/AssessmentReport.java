package io.smfd.eval;

import io.smfd.BlurAssessment;
import io.smfd.eval.Evaluation.FaceResult;
import io.smfd.eval.Evaluation.FaceSet;
import io.smfd.eval.Evaluation.Method;
import io.smfd.eval.Evaluation.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The "Blur assessment" section of the evaluation: how well {@link io.smfd.Deblurrer#assess} predicts where
 * SMFD helps, on the mixed set of the held-out faces (the DEFAULT, SHARP and MILD inputs of every face), and what
 * the pass-through policy ({@link io.smfd.SharpFacePolicy#PASS_THROUGH}) does to PSNR. The evaluation runs SMFD
 * on every input ({@code sharpFaces(DEBLUR)}); the policy's output for an input is that input itself when its
 * assessment says it does not need deblurring, else SMFD's output, exactly what {@code Deblurrer} does (checked
 * bit-exact by smfd-api's {@code PassThroughTest} and the CLI's {@code AssessCommandTest}).
 *
 * <p>Figures: ROC AUC of the severity for "SMFD gains at least {@value #GAIN_DB} dB RGB PSNR against the sharp
 * face" (a sharp input, PSNR infinite, never gains); Spearman correlation of the estimated extent with the true
 * radius of gyration (0 for the sharp set); the share passed through per set; mean RGB PSNR (capped at
 * {@link ImageMetrics#PSNR_CAP_DB} dB, so an unchanged sharp face counts 100 dB) with the policy off and on;
 * assessment and SMFD time per face.
 */
final class AssessmentReport {

    /** The gain that makes a face "worth deblurring" in the AUC, dB. */
    static final double GAIN_DB = 0.5;

    private AssessmentReport() {
    }

    /** The figures of one selection of faces. */
    record Figures(int faces, int positives, double auc, double spearman, int passed, double psnrOff, double psnrOn,
                   double meanSeverity, double meanExtent, double meanTrueExtent) {
    }

    static List<FaceResult> mixed(Evaluation.Run run) {
        List<FaceResult> all = new ArrayList<>();
        for (FaceSet s : FaceSet.values()) {
            for (FaceResult f : run.faces(s)) {
                if (!Double.isNaN(f.assessSeverity)) {
                    all.add(f);
                }
            }
        }
        return all;
    }

    static double gain(FaceResult f) {
        return f.values[Method.SMFD.ordinal()][Metric.PSNR_RGB.ordinal()]
                - f.values[Method.BLURRY.ordinal()][Metric.PSNR_RGB.ordinal()];
    }

    /** RGB PSNR of what the pass-through policy returns, capped. */
    static double psnrOn(FaceResult f) {
        Method m = f.assessNeedsDeblurring ? Method.SMFD : Method.BLURRY;
        return Math.min(ImageMetrics.PSNR_CAP_DB, f.values[m.ordinal()][Metric.PSNR_RGB.ordinal()]);
    }

    static double psnrOff(FaceResult f) {
        return Math.min(ImageMetrics.PSNR_CAP_DB, f.values[Method.SMFD.ordinal()][Metric.PSNR_RGB.ordinal()]);
    }

    static Figures figures(List<FaceResult> faces) {
        int n = faces.size();
        double[] severity = new double[n];
        double[] extent = new double[n];
        double[] rg = new double[n];
        boolean[] label = new boolean[n];
        int pos = 0;
        int passed = 0;
        double on = 0;
        double off = 0;
        for (int i = 0; i < n; i++) {
            FaceResult f = faces.get(i);
            severity[i] = f.assessSeverity;
            extent[i] = f.assessExtent;
            rg[i] = f.set == FaceSet.SHARP ? 0 : f.strength;
            double g = gain(f);
            label[i] = !Double.isNaN(g) && g >= GAIN_DB;
            pos += label[i] ? 1 : 0;
            passed += f.assessNeedsDeblurring ? 0 : 1;
            on += psnrOn(f);
            off += psnrOff(f);
        }
        return new Figures(n, pos, AssessmentStats.rocAuc(severity, label), AssessmentStats.spearman(extent, rg), passed,
                n == 0 ? Double.NaN : off / n, n == 0 ? Double.NaN : on / n, mean(severity), mean(extent), mean(rg));
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** Sharp-set faces the policy returns unchanged (assessment: no need to deblur). */
    static int sharpUnchanged(Evaluation.Run run) {
        int n = 0;
        for (FaceResult f : run.faces(FaceSet.SHARP)) {
            n += !Double.isNaN(f.assessSeverity) && !f.assessNeedsDeblurring ? 1 : 0;
        }
        return n;
    }

    /** {median, mean} of the per-face assessment time and of SMFD's time (default set), ms. */
    static double[] timings(Evaluation.Run run) {
        List<FaceResult> all = mixed(run);
        double[] a = all.stream().mapToDouble(f -> f.assessSeconds * 1e3).toArray();
        double[] s = run.faces(FaceSet.DEFAULT).stream().mapToDouble(f -> f.smfdSeconds * 1e3)
                .filter(Double::isFinite).toArray();
        double[] am = Report.meanMedian(a);
        double[] sm = Report.meanMedian(s);
        return new double[] {am[1], am[0], sm[1], sm[0]};
    }

    private static List<FaceResult> of(Evaluation.Run run, FaceSet s) {
        List<FaceResult> out = new ArrayList<>();
        for (FaceResult f : run.faces(s)) {
            if (!Double.isNaN(f.assessSeverity)) {
                out.add(f);
            }
        }
        return out;
    }

    static void markdown(StringBuilder sb, Evaluation.Run run) {
        sb.append("## Blur assessment and pass-through\n\n");
        List<FaceResult> all = mixed(run);
        if (all.isEmpty()) {
            sb.append("Skipped: SMFD was not run (`--backend none`).\n\n");
            return;
        }
        sb.append(String.format(Locale.ROOT, "`Deblurrer.assess` on every input of the three sets (default degradations,"
                + " sharp, mild); the policy column is `sharpFaces(PASS_THROUGH)`: inputs with severity < %.1f are"
                + " returned unchanged, the rest deblurred. AUC: severity as a score for \"SMFD gains >= %.1f dB RGB"
                + " PSNR\"; Spearman: estimated extent vs the kernel's true radius of gyration (0 for sharp). Mean"
                + " PSNR-RGB against the sharp face, capped at %.0f dB (an unchanged sharp face counts %.0f).%n%n",
                BlurAssessment.THRESHOLD, GAIN_DB, ImageMetrics.PSNR_CAP_DB, ImageMetrics.PSNR_CAP_DB));
        sb.append("| Set | faces | gain >= 0.5 dB | ROC AUC | Spearman extent | mean severity | mean extent (true) px"
                + " | passed through | PSNR policy off | PSNR policy on |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        row(sb, "**mixed (all three)**", figures(all));
        List<FaceResult> noSharp = new ArrayList<>(of(run, FaceSet.DEFAULT));
        noSharp.addAll(of(run, FaceSet.MILD));
        row(sb, "default + mild", figures(noSharp));
        for (FaceSet s : FaceSet.values()) {
            row(sb, s.label, figures(of(run, s)));
        }
        int sharp = of(run, FaceSet.SHARP).size();
        double[] t = timings(run);
        sb.append(String.format(Locale.ROOT, "%nSharp faces returned exactly unchanged with the policy on: %d of %d."
                + " Assessment time per face: median %.2f ms (mean %.2f); SMFD `deblurWithMasks` per face on the same"
                + " backend in the same run: median %.1f ms (mean %.1f); ratio of medians %.1f%%.%n%n",
                sharpUnchanged(run), sharp, t[0], t[1], t[2], t[3], 100 * t[0] / t[2]));
        sb.append("By true blur strength (default set):\n\n| Strength | faces | mean severity | mean extent px"
                + " | needs deblurring |\n| --- | --- | --- | --- | --- |\n");
        List<FaceResult> def = of(run, FaceSet.DEFAULT);
        for (Report.Group group : Report.strengthGroups(def)) {
            List<FaceResult> g = group.faces();
            if (g.isEmpty()) {
                continue;
            }
            long needs = g.stream().filter(f -> f.assessNeedsDeblurring).count();
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.0f%% |%n", group.name(),
                    g.size(), g.stream().mapToDouble(f -> f.assessSeverity).average().orElse(Double.NaN),
                    g.stream().mapToDouble(f -> f.assessExtent).average().orElse(Double.NaN), 100.0 * needs / g.size()));
        }
        sb.append('\n');
    }

    private static void row(StringBuilder sb, String label, Figures f) {
        if (f.faces() == 0) {
            return;
        }
        sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %.3f | %.2f (%.2f) | %d (%.0f%%) | %.2f | %.2f |%n",
                label, f.faces(), f.positives(), num(f.auc()), num(f.spearman()), f.meanSeverity(), f.meanExtent(),
                f.meanTrueExtent(), f.passed(), 100.0 * f.passed() / f.faces(), f.psnrOff(), f.psnrOn()));
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "-";
    }

    private static String figuresJson(Figures f) {
        return "{\"faces\": " + f.faces() + ", \"positives\": " + f.positives()
                + ", \"rocAuc\": " + Report.jnum(f.auc())
                + ", \"spearmanExtent\": " + Report.jnum(f.spearman()) + ", \"passedThrough\": " + f.passed()
                + ", \"psnrRgbPolicyOff\": " + Report.jnum(f.psnrOff())
                + ", \"psnrRgbPolicyOn\": " + Report.jnum(f.psnrOn())
                + ", \"meanSeverity\": " + Report.jnum(f.meanSeverity())
                + ", \"meanExtent\": " + Report.jnum(f.meanExtent())
                + ", \"meanTrueExtent\": " + Report.jnum(f.meanTrueExtent()) + "}";
    }

    /** The section as a JSON object (null when SMFD was skipped). */
    static String json(Evaluation.Run run) {
        List<FaceResult> all = mixed(run);
        if (all.isEmpty()) {
            return "null";
        }
        double[] t = timings(run);
        List<FaceResult> noSharp = new ArrayList<>(of(run, FaceSet.DEFAULT));
        noSharp.addAll(of(run, FaceSet.MILD));
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("    \"threshold\": ").append(BlurAssessment.THRESHOLD).append(",\n");
        sb.append("    \"gainDb\": ").append(GAIN_DB).append(",\n");
        sb.append("    \"psnrCapDb\": ").append(ImageMetrics.PSNR_CAP_DB).append(",\n");
        sb.append("    \"mixed\": ").append(figuresJson(figures(all))).append(",\n");
        sb.append("    \"defaultAndMild\": ").append(figuresJson(figures(noSharp))).append(",\n");
        for (FaceSet s : FaceSet.values()) {
            sb.append("    \"").append(s.label).append("\": ").append(figuresJson(figures(of(run, s)))).append(",\n");
        }
        sb.append("    \"sharpUnchanged\": ").append(sharpUnchanged(run)).append(",\n");
        sb.append("    \"assessMsMedian\": ").append(Report.jnum(t[0])).append(",\n");
        sb.append("    \"assessMsMean\": ").append(Report.jnum(t[1])).append(",\n");
        sb.append("    \"smfdMsMedian\": ").append(Report.jnum(t[2])).append(",\n");
        sb.append("    \"smfdMsMean\": ").append(Report.jnum(t[3])).append(",\n");
        sb.append("    \"costRatio\": ").append(Report.jnum(t[0] / t[2])).append('\n');
        sb.append("  }");
        return sb.toString();
    }
}

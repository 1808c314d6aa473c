package io.smfd.eval;

import io.smfd.eval.DeploymentMatrix.Cell;
import io.smfd.eval.DeploymentMatrix.FaceOutcome;
import io.smfd.eval.DeploymentMatrix.Geometry;
import io.smfd.eval.DeploymentMatrix.HardProbe;
import io.smfd.eval.DeploymentMatrix.ModelOutcome;
import io.smfd.eval.DeploymentMatrix.Result;
import io.smfd.eval.DeploymentMatrix.Score;
import io.smfd.identity.FaceDescriptor;
import io.smfd.identity.MobileFace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The markdown and JSON sections of a {@link DeploymentMatrix} run: "Hard verification" and "Deployment matrix"
 * ({@code hardVerification} and {@code deploymentMatrix} in {@code report.json}).
 */
final class MatrixReport {

    /** Matcher names, in the order of {@link Result#gallery()} and {@link HardProbe#methods()}. */
    static final List<String> MATCHERS = List.of("dlib", "mobileface");

    private MatrixReport() {
    }

    /**
     * Aggregates of one cell and model.
     *
     * @param policy        means of the default policy's outputs
     * @param forced        means of the forced outputs
     * @param passedThrough share passed through
     * @param missed        share passed through although forcing gains >= 0.5 dB (of all faces of the cell)
     * @param maximShare    share whose forced output MAXIM produced (AUTO: routed to MAXIM)
     */
    record ModelCell(Score policy, Score forced, double passedThrough, double missed, double maximShare) {
    }

    static Score mean(List<FaceOutcome> faces, java.util.function.Function<FaceOutcome, Score> f) {
        return new Score(avg(faces, x -> Math.min(f.apply(x).psnr(), ImageMetrics.PSNR_CAP_DB)),
                avg(faces, x -> f.apply(x).ssim()), avg(faces, x -> f.apply(x).dlib()),
                avg(faces, x -> f.apply(x).mobileface()));
    }

    static ModelCell modelCell(Cell c, int m) {
        List<FaceOutcome> fs = c.faces();
        return new ModelCell(mean(fs, f -> f.models().get(m).policy()), mean(fs, f -> f.models().get(m).forced()),
                avg(fs, f -> f.models().get(m).passedThrough() ? 1 : 0),
                avg(fs, f -> f.models().get(m).missed(f.blurry()) ? 1 : 0),
                avg(fs, f -> f.models().get(m).model() == io.smfd.DeblurModel.MAXIM ? 1 : 0));
    }

    /** Share of the hard probes whose forced output of model {@code m} MAXIM produced. */
    static double hardMaximShare(Result r, int m) {
        return r.probes().stream().filter(p -> p.routed().get(m) == io.smfd.DeblurModel.MAXIM).count()
                / (double) Math.max(1, r.probes().size());
    }

    private static double avg(List<FaceOutcome> fs, ToDoubleFunction<FaceOutcome> f) {
        double s = 0;
        int n = 0;
        for (FaceOutcome x : fs) {
            double v = f.applyAsDouble(x);
            if (!Double.isNaN(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Per matcher and method: verification + rank-1 of the hard probes against the gallery. */
    static IdentityStats.Matching[][] hardMatching(Result r) {
        IdentityStats.Matching[][] out = new IdentityStats.Matching[MATCHERS.size()][r.hardMethods().size()];
        for (int m = 0; m < MATCHERS.size(); m++) {
            int mm = m;
            for (int k = 0; k < r.hardMethods().size(); k++) {
                int kk = k;
                List<float[]> probes = r.probes().stream().map(p -> p.methods().get(kk)[mm]).toList();
                out[m][k] = m == 0
                        ? IdentityStats.verify(r.gallery().get(0), probes, FaceDescriptor::distance,
                                FaceDescriptor.SAME_PERSON_THRESHOLD)
                        : IdentityStats.verify(r.gallery().get(1), probes, MobileFace::cosineDistance, Double.NaN);
            }
        }
        return out;
    }

    /** A method's row label in the hard table. */
    static String methodLabel(Result r, String method) {
        if (method.equals("blurry")) {
            return "blurry input";
        }
        if (method.equals("bestClassical")) {
            return "best classical (oracle pick of unsharp / Wiener)";
        }
        for (DeploymentMatrix.ModelName m : r.models()) {
            if (method.equals(m.name() + "Default")) {
                return m.description() + ", default policy";
            }
            if (method.equals(m.name() + "Forced")) {
                return m.description() + ", forced (DEBLUR)";
            }
        }
        return method;
    }

    // ---------------------------------------------------------------- markdown

    static String markdown(Result r) {
        StringBuilder sb = new StringBuilder();
        hardMarkdown(sb, r);
        matrixMarkdown(sb, r);
        return sb.toString();
    }

    static void hardMarkdown(StringBuilder sb, Result r) {
        IdentityStats.Matching[][] hm = hardMatching(r);
        int n = r.probes().size();
        sb.append("## Hard verification (112 px probes)\n\n");
        sb.append("Probes = ").append(n).append(" held-out faces degraded with `DeploymentMatrix.hardPipeline()` (seed `")
                .append(DeploymentMatrix.HARD_SEED_BASE).append(" + id`; at 256 px: linear motion 13-21 px (2 of 5),"
                        + " camera shake with 27-31 px kernels, Gaussian sigma 2.5-3.5 or defocus radius 3.5-5 (1 of 5"
                        + " each); then down-up scaling by 0.3-0.5, Gaussian noise 5-12/255 and JPEG quality 40-70), framed as 112x112"
                        + " ArcFace-style crops (box x 56..200, y 80..224 of the 256 px face); gallery = the sharp crops of"
                        + " the same ").append(n).append(" faces. Genuine = probe against its own face (").append(n)
                .append("), impostors = against every other gallery face (").append((long) n * (n - 1))
                .append("); the threshold for FAR f is each probe type's own impostor distance at rank floor(f x"
                        + " impostors), as in the main verification table. Rank-1 = share of probes whose nearest"
                        + " gallery face is their own. mobileface: cosine distance of the 112 crop; dlib: the crop"
                        + " resized whole to 150x150 (a tighter framing than dlib's own, so its 0.6 threshold does"
                        + " not apply). Wall time ").append(fmt("%.0f s", r.hardSeconds())).append(".\n\n");
        sb.append("| Probe | PSNR (dB) | passed through | mobileface TAR @ FAR 1e-2 | TAR @ FAR 1e-3 | rank-1"
                + " | dlib TAR @ FAR 1e-2 | TAR @ FAR 1e-3 | rank-1 |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (int k = 0; k < r.hardMethods().size(); k++) {
            String method = r.hardMethods().get(k);
            int kk = k;
            double psnr = r.probes().stream().mapToDouble(p -> Math.min(p.psnr()[kk], ImageMetrics.PSNR_CAP_DB))
                    .average().orElse(Double.NaN);
            String passed = "-";
            int model = modelIndex(r, method);
            if (model >= 0 && method.endsWith("Default")) {
                passed = pct(r.probes().stream().filter(p -> p.passed()[model]).count() / (double) n);
            }
            String label = methodLabel(r, method);
            if (model >= 0 && method.startsWith("auto")) {
                label += fmt(" (%.0f%% to MAXIM)", 100 * hardMaximShare(r, model));
            }
            sb.append("| ").append(label).append(" | ").append(fmt("%.2f", psnr)).append(" | ")
                    .append(passed);
            for (int m = 1; m >= 0; m--) {
                IdentityStats.Matching x = hm[m][k];
                sb.append(" | ").append(pct(x.verification().tar()[0])).append(" | ")
                        .append(pct(x.verification().tar()[1])).append(" | ").append(pct(x.rank1()));
            }
            sb.append(" |\n");
        }
        sb.append('\n');
    }

    private static int modelIndex(Result r, String method) {
        for (int i = 0; i < r.models().size(); i++) {
            if (method.startsWith(r.models().get(i).name())) {
                return i;
            }
        }
        return -1;
    }

    static void matrixMarkdown(StringBuilder sb, Result r) {
        sb.append("## Deployment matrix\n\n");
        sb.append("The first ").append(r.faces()).append(" held-out faces (n per cell = ").append(r.faces())
                .append(") x 12 blur strengths x clean / with noise + JPEG x 3 geometries; fixed seeds (`")
                .append(DeploymentMatrix.SEED_BASE).append(" + 1000 x strength index + id`; the clean and the noisy"
                        + " cell of a strength share the kernel), independent of the training mixture. All degradation"
                        + " is applied to the 256 px face (strengths are in 256 px units); noise + JPEG = Gaussian noise"
                        + " sigma ").append(DeploymentMatrix.NOISE_SIGMA).append("/255 then JPEG quality ")
                .append(DeploymentMatrix.JPEG_QUALITY).append(". Each geometry then frames the sharp and the"
                        + " degraded face alike (Pillow bilinear): **256** = the whole face, **160** = the whole face"
                        + " resized to 160x160, **112 crop** = the fixed box x 56..200, y 80..224 resized to 112x112 (the"
                        + " box of the mobileface reference chips). Per cell, means over the faces of: RGB PSNR / SSIM"
                        + " against the framed sharp face, and each matcher's distance of the image to the framed sharp"
                        + " face (mobileface: cosine distance of its 112 chip; dlib: Euclidean distance of its 150 chip,"
                        + " own box for 256 / 160, the whole crop for 112); for the blurry input (b), the model with the"
                        + " default policy (d: the input where the blur assessment passes it through, else the model's"
                        + " output) and forced (f, `SharpFacePolicy.DEBLUR`). \"passed\" = share passed through;"
                        + " \"missed\" = share passed through although forcing gains >= ")
                .append(fmt("%.1f", DeploymentMatrix.MISSED_GAIN_DB)).append(" dB PSNR (of all faces in the cell)."
                        + " Wall time ").append(fmt("%.0f s", r.matrixSeconds())).append(" (").append(r.threads())
                .append(" face threads).\n\n");
        DeploymentMatrix.BoxCheck bc = r.boxCheck();
        if (bc.faces() > 0) {
            sb.append("Crop box check (ground-truth masks of these ").append(bc.faces()).append(" faces): mean eye"
                    + " centroid ").append(xy(bc.eyes256())).append(", mouth centroid ").append(xy(bc.mouth256()))
                    .append(" at 256 px, i.e. ").append(xy(bc.eyes112())).append(" and ").append(xy(bc.mouth112()))
                    .append(" in the 112 crop, where the ArcFace template has the eye midpoint at ")
                    .append(xy(DeploymentMatrix.ARCFACE_EYES)).append(" and the mouth midpoint at ")
                    .append(xy(DeploymentMatrix.ARCFACE_MOUTH)).append(". The fixed box is centred (x) but tighter"
                            + " and higher than an ArcFace crop; the box that would match the template is about x ")
                    .append(fmt("%.0f..%.0f, y %.0f..%.0f", bc.arcFaceBox()[0], bc.arcFaceBox()[2], bc.arcFaceBox()[1],
                            bc.arcFaceBox()[3])).append(" (").append(fmt("%.0f", bc.arcFaceBox()[2] - bc.arcFaceBox()[0]))
                    .append(" px instead of 144). The matrix uses the fixed box.\n\n");
        }
        if (r.models().isEmpty()) {
            sb.append("No model rows: SMFD was skipped (`--backend none`).\n\n");
        }
        for (Geometry g : Geometry.values()) {
            for (int m = 0; m < Math.max(1, r.models().size()); m++) {
                boolean model = !r.models().isEmpty();
                boolean routes = model && r.models().get(m).name().equals("auto");
                sb.append("### ").append(g.label).append(model ? ": " + r.models().get(m).description() : "").append("\n\n");
                sb.append("| Blur (256 px) | noise + JPEG | n | PSNR b / d / f | SSIM b / d / f | mobileface b / d / f"
                        + " | dlib b / d / f | passed | missed |").append(routes ? " to MAXIM |" : "").append("\n");
                sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |").append(routes ? " ---: |" : "")
                        .append("\n");
                for (Cell c : r.cells()) {
                    if (c.geometry() != g) {
                        continue;
                    }
                    Score b = mean(c.faces(), FaceOutcome::blurry);
                    sb.append("| ").append(c.blur().label()).append(" | ").append(c.noisy() ? "yes" : "no").append(" | ")
                            .append(c.faces().size()).append(" | ");
                    if (model) {
                        ModelCell mc = modelCell(c, m);
                        sb.append(fmt("%.2f / %.2f / %.2f", b.psnr(), mc.policy().psnr(), mc.forced().psnr())).append(" | ")
                                .append(fmt("%.3f / %.3f / %.3f", b.ssim(), mc.policy().ssim(), mc.forced().ssim()))
                                .append(" | ").append(fmt("%.3f / %.3f / %.3f", b.mobileface(), mc.policy().mobileface(),
                                        mc.forced().mobileface())).append(" | ")
                                .append(fmt("%.3f / %.3f / %.3f", b.dlib(), mc.policy().dlib(), mc.forced().dlib()))
                                .append(" | ").append(pct(mc.passedThrough())).append(" | ").append(pct(mc.missed()))
                                .append(routes ? " | " + pct(mc.maximShare()) : "").append(" |\n");
                    } else {
                        sb.append(fmt("%.2f", b.psnr())).append(" | ").append(fmt("%.3f", b.ssim())).append(" | ")
                                .append(fmt("%.3f", b.mobileface())).append(" | ").append(fmt("%.3f", b.dlib()))
                                .append(" | - | - |\n");
                    }
                }
                sb.append('\n');
            }
        }
    }

    private static String xy(double[] v) {
        return fmt("(%.1f, %.1f)", v[0], v[1]);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : fmt("%.1f%%", 100 * v);
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    // ---------------------------------------------------------------- JSON

    /** The two JSON members {@code "hardVerification": {...}, "deploymentMatrix": {...}} at depth 1, no trailing comma. */
    static String jsonMembers(Result r) {
        return "  \"hardVerification\": " + hardJson(r) + ",\n  \"deploymentMatrix\": " + matrixJson(r) + "\n";
    }

    private static String score(Score s) {
        return "{\"psnr\": " + Report.jnum(s.psnr()) + ", \"ssim\": " + Report.jnum(s.ssim()) + ", \"dlib\": "
                + Report.jnum(s.dlib()) + ", \"mobileface\": " + Report.jnum(s.mobileface()) + "}";
    }

    static String hardJson(Result r) {
        IdentityStats.Matching[][] hm = hardMatching(r);
        int n = r.probes().size();
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("    \"probes\": ").append(n).append(",\n    \"gallery\": ").append(r.gallery().get(0).size())
                .append(",\n    \"geometry\": \"112crop\",\n    \"seedBase\": ").append(DeploymentMatrix.HARD_SEED_BASE)
                .append(",\n    \"degradation\": ").append(Report.str(DeploymentMatrix.hardPipeline().toString()))
                .append(",\n    \"wallSeconds\": ").append(Report.jnum(r.hardSeconds())).append(",\n    \"methods\": {\n");
        for (int k = 0; k < r.hardMethods().size(); k++) {
            String method = r.hardMethods().get(k);
            int kk = k;
            double psnr = r.probes().stream().mapToDouble(p -> Math.min(p.psnr()[kk], ImageMetrics.PSNR_CAP_DB))
                    .average().orElse(Double.NaN);
            int model = modelIndex(r, method);
            String passed = model >= 0 && method.endsWith("Default")
                    ? Report.jnum(r.probes().stream().filter(p -> p.passed()[model]).count() / (double) n) : "null";
            sb.append("      ").append(Report.str(method)).append(": {\"label\": ").append(Report.str(methodLabel(r, method)))
                    .append(", \"psnr\": ").append(Report.jnum(psnr)).append(", \"passedThrough\": ").append(passed);
            if (model >= 0 && method.endsWith("Forced")) {
                sb.append(", \"maximShare\": ").append(Report.jnum(hardMaximShare(r, model)));
            }
            for (int m = 0; m < MATCHERS.size(); m++) {
                IdentityStats.Matching x = hm[m][k];
                IdentityStats.Verification v = x.verification();
                sb.append(", ").append(Report.str(MATCHERS.get(m))).append(": {\"tarAtFar1e-2\": ")
                        .append(Report.jnum(v.tar()[0])).append(", \"tarAtFar1e-3\": ").append(Report.jnum(v.tar()[1]))
                        .append(", \"rank1\": ").append(Report.jnum(x.rank1())).append(", \"thresholdAtFar1e-2\": ")
                        .append(Report.jnum(v.thresholds()[0])).append(", \"thresholdAtFar1e-3\": ")
                        .append(Report.jnum(v.thresholds()[1])).append(", \"genuine\": ").append(v.genuine())
                        .append(", \"impostors\": ").append(v.impostors()).append("}");
            }
            sb.append(k < r.hardMethods().size() - 1 ? "},\n" : "}\n");
        }
        return sb.append("    }\n  }").toString();
    }

    static String matrixJson(Result r) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("    \"faces\": ").append(r.faces()).append(",\n    \"seedBase\": ").append(DeploymentMatrix.SEED_BASE)
                .append(",\n    \"noiseSigma\": ").append(DeploymentMatrix.NOISE_SIGMA).append(",\n    \"jpegQuality\": ")
                .append(DeploymentMatrix.JPEG_QUALITY).append(",\n    \"missedGainDb\": ")
                .append(Report.jnum(DeploymentMatrix.MISSED_GAIN_DB)).append(",\n    \"wallSeconds\": ")
                .append(Report.jnum(r.matrixSeconds())).append(",\n    \"threads\": ").append(r.threads())
                .append(",\n    \"models\": [");
        for (int i = 0; i < r.models().size(); i++) {
            sb.append(i == 0 ? "" : ", ").append("{\"name\": ").append(Report.str(r.models().get(i).name()))
                    .append(", \"description\": ").append(Report.str(r.models().get(i).description())).append("}");
        }
        sb.append("],\n");
        DeploymentMatrix.BoxCheck bc = r.boxCheck();
        if (bc.faces() > 0) {
            sb.append("    \"cropBoxCheck\": {\"box\": [56, 80, 200, 224], \"faces\": ").append(bc.faces())
                    .append(", \"eyes256\": ").append(arr(bc.eyes256())).append(", \"mouth256\": ").append(arr(bc.mouth256()))
                    .append(", \"eyes112\": ").append(arr(bc.eyes112())).append(", \"mouth112\": ").append(arr(bc.mouth112()))
                    .append(", \"arcFaceTemplateEyes\": ").append(arr(DeploymentMatrix.ARCFACE_EYES))
                    .append(", \"arcFaceTemplateMouth\": ").append(arr(DeploymentMatrix.ARCFACE_MOUTH))
                    .append(", \"templateMatchingBox\": ").append(arr(bc.arcFaceBox())).append("},\n");
        }
        sb.append("    \"cells\": [\n");
        for (int i = 0; i < r.cells().size(); i++) {
            Cell c = r.cells().get(i);
            sb.append("      {\"geometry\": ").append(Report.str(c.geometry().key())).append(", \"family\": ")
                    .append(Report.str(c.blur().family())).append(", \"strength\": ").append(Report.str(c.blur().strength()))
                    .append(", \"noisy\": ").append(c.noisy()).append(", \"n\": ").append(c.faces().size())
                    .append(", \"blurry\": ").append(score(mean(c.faces(), FaceOutcome::blurry))).append(", \"models\": {");
            for (int m = 0; m < r.models().size(); m++) {
                ModelCell mc = modelCell(c, m);
                sb.append(m == 0 ? "" : ", ").append(Report.str(r.models().get(m).name())).append(": {\"default\": ")
                        .append(score(mc.policy())).append(", \"forced\": ").append(score(mc.forced()))
                        .append(", \"passedThrough\": ").append(Report.jnum(mc.passedThrough())).append(", \"missed\": ")
                        .append(Report.jnum(mc.missed())).append(", \"maximShare\": ").append(Report.jnum(mc.maximShare()))
                        .append("}");
            }
            sb.append("}}").append(i < r.cells().size() - 1 ? ",\n" : "\n");
        }
        return sb.append("    ]\n  }").toString();
    }

    private static String arr(double[] v) {
        List<String> s = new ArrayList<>();
        for (double x : v) {
            s.add(Report.jnum(x));
        }
        return "[" + String.join(", ", s) + "]";
    }

    /** Per-face CSV of the matrix: one line per cell and face. */
    static String csv(Result r) {
        StringBuilder sb = new StringBuilder("geometry,family,strength,noisy,id,blurry_psnr,blurry_ssim,blurry_dlib,"
                + "blurry_mobileface");
        for (DeploymentMatrix.ModelName m : r.models()) {
            for (String k : List.of("passed", "model", "forced_psnr", "forced_ssim", "forced_dlib", "forced_mobileface")) {
                sb.append(',').append(m.name()).append('_').append(k);
            }
        }
        sb.append('\n');
        for (Cell c : r.cells()) {
            for (FaceOutcome f : c.faces()) {
                sb.append(c.geometry().key()).append(',').append(c.blur().family()).append(",\"").append(c.blur().strength())
                        .append("\",").append(c.noisy()).append(',').append(f.id()).append(',').append(row(f.blurry()));
                for (ModelOutcome mo : f.models()) {
                    sb.append(',').append(mo.passedThrough()).append(',').append(mo.model().name().toLowerCase(Locale.ROOT))
                            .append(',').append(row(mo.forced()));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String row(Score s) {
        return fmt("%.4f,%.5f,%.5f,%.5f", s.psnr(), s.ssim(), s.dlib(), s.mobileface());
    }
}

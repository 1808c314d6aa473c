package io.smfd.eval;

import io.smfd.identity.FaceDescriptor;
import io.smfd.degrade.BlurFamily;
import io.smfd.eval.Evaluation.FaceResult;
import io.smfd.eval.Evaluation.FaceSet;
import io.smfd.eval.Evaluation.Method;
import io.smfd.eval.Evaluation.Metric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Writes {@code report.md}, {@code report.json}, {@code per_image.csv} and {@code do_no_harm.csv} for an
 * {@link Evaluation} run. Sections that compare the input sets read {@link Evaluation.Run#faces(FaceSet)}.
 */
final class Report {

    private static final Metric[] MAIN = {Metric.PSNR_RGB, Metric.SSIM_RGB, Metric.PSNR_Y, Metric.SSIM_Y};

    private Report() {
    }

    static EvaluationResult write(Evaluation.Run run, Path dir) throws IOException {
        Path md = dir.resolve("report.md");
        Path js = dir.resolve("report.json");
        List<IdentityStats.Verification> ver = verification(run.faces, identityMethods(run));
        Files.writeString(md, markdown(run, ver), StandardCharsets.UTF_8);
        Files.writeString(js, json(run, ver), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("per_image.csv"), csv(run), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("do_no_harm.csv"), doNoHarmCsv(run), StandardCharsets.UTF_8);
        return result(run, md, js, ver);
    }

    /**
     * The headline figures of a run, computed by the same functions as the tables of report.md / report.json.
     *
     * @param ver {@link #verification} of all faces and {@link #identityMethods}
     */
    static EvaluationResult result(Evaluation.Run run, Path md, Path js, List<IdentityStats.Verification> ver) {
        Map<Method, Map<Metric, Double>> overall = new EnumMap<>(Method.class);
        for (Method m : methods(run)) {
            Map<Metric, Double> v = new EnumMap<>(Metric.class);
            for (Metric k : Metric.values()) {
                v.put(k, mean(run.faces, m, k));
            }
            overall.put(m, v);
        }
        Map<Method, EvaluationResult.Identity> identity = new EnumMap<>(Method.class);
        List<Method> ims = identityMethods(run);
        for (int i = 0; i < ims.size(); i++) {
            IdentityStats.Summary s = identity(run.faces, ims.get(i));
            double[] tar = i < ver.size() ? ver.get(i).tar() : new double[] {Double.NaN, Double.NaN};
            identity.put(ims.get(i), new EvaluationResult.Identity(s.n(), s.mean(), s.median(), s.p95(), s.within(),
                    tar[0], tar[1]));
        }
        Map<String, EvaluationResult.DoNoHarm> dnh = new LinkedHashMap<>();
        if (run.smfd) {
            for (FaceSet set : List.of(FaceSet.SHARP, FaceSet.MILD)) {
                List<FaceResult> g = run.faces(set);
                IdentityStats.Summary d = drift(g);
                dnh.put(set.label, new EvaluationResult.DoNoHarm(g.size(), meanOf(g, f -> f.smfdVsInputPsnr, true),
                        meanOf(g, f -> f.smfdVsInputSsim, false), d.mean(), d.p95()));
            }
        }
        return new EvaluationResult(md, js, run.faces.size(), run.skipped, run.modelDescription, run.wallSeconds,
                overall, identity, dnh, Optional.empty());
    }

    // ---------------------------------------------------------------- aggregation

    /** Mean of a metric over faces (NaN skipped; PSNR capped at {@link ImageMetrics#PSNR_CAP_DB}). */
    static double mean(List<FaceResult> faces, Method m, Metric k) {
        return meanOf(faces, f -> f.values[m.ordinal()][k.ordinal()], k != Metric.SSIM_RGB && k != Metric.SSIM_Y);
    }

    static int count(List<FaceResult> faces, Method m, Metric k) {
        int n = 0;
        for (FaceResult f : faces) {
            if (!Double.isNaN(f.values[m.ordinal()][k.ordinal()])) {
                n++;
            }
        }
        return n;
    }

    private static List<FaceResult> filter(List<FaceResult> faces, Predicate<FaceResult> p) {
        List<FaceResult> out = new ArrayList<>();
        for (FaceResult f : faces) {
            if (p.test(f)) {
                out.add(f);
            }
        }
        return out;
    }

    private static List<Method> methods(Evaluation.Run run) {
        List<Method> ms = new ArrayList<>(List.of(Method.values()));
        if (!run.smfd) {
            ms.remove(Method.SMFD);
        }
        return ms;
    }

    /** IoU stats per class: {mean over images, images counted, pooled IoU}. */
    static double[][] iouStats(List<FaceResult> faces) {
        int k = FaceDataset.GROUP_NAMES.size();
        double[][] out = new double[k][3];
        for (int c = 0; c < k; c++) {
            double s = 0;
            int n = 0;
            long inter = 0;
            long union = 0;
            for (FaceResult f : faces) {
                if (f.iou == null) {
                    continue;
                }
                inter += f.intersection[c];
                union += f.union[c];
                if (!Double.isNaN(f.iou[c])) {
                    s += f.iou[c];
                    n++;
                }
            }
            out[c][0] = n == 0 ? Double.NaN : s / n;
            out[c][1] = n;
            out[c][2] = union == 0 ? Double.NaN : (double) inter / union;
        }
        return out;
    }

    /** Mean over images of the per-image mean IoU over the classes present in that image. */
    static double meanImageIou(List<FaceResult> faces) {
        double s = 0;
        int n = 0;
        for (FaceResult f : faces) {
            if (f.iou == null) {
                continue;
            }
            double si = 0;
            int ni = 0;
            for (double v : f.iou) {
                if (!Double.isNaN(v)) {
                    si += v;
                    ni++;
                }
            }
            if (ni > 0) {
                s += si / ni;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    // ---------------------------------------------------------------- markdown

    /** The markdown report; {@code ver} = {@link #verification} of all faces and {@link #identityMethods}. */
    static String markdown(Evaluation.Run run, List<IdentityStats.Verification> ver) {
        List<FaceResult> all = run.faces;
        List<Method> ms = methods(run);
        StringBuilder sb = new StringBuilder();
        sb.append("# SMFD evaluation report\n\n");
        sb.append("Numbers below are measured on the **held-out eval split** of CelebAMask-HQ mini (faces 4500-4999),"
                + " which was used neither to train SMFD-UNet nor to choose the classical baselines' parameters.\n\n");
        if (ModelDescription.untrained(run.modelDescription)) {
            sb.append("> **Note:** the evaluated model's card declares `trained: false`. The SMFD rows and the mask IoU"
                    + " below describe that model only, not the bundled SMFD-UNet.\n\n");
        }
        sb.append("| | |\n| --- | --- |\n");
        row(sb, "Command", "`" + run.options.commandLine() + "`");
        row(sb, "Date", run.date);
        row(sb, "Data", "`" + run.dataRoot + "/eval`: " + all.size() + " of " + run.requested + " faces evaluated (ids "
                + all.get(0).id + ".." + all.get(all.size() - 1).id + ")"
                + (run.skipped.isEmpty() ? "" : "; skipped " + run.skipped.size() + ": " + String.join("; ", run.skipped)));
        row(sb, "Backend", run.backendName + " (device " + run.device + ")");
        row(sb, "Model", run.modelDescription);
        row(sb, "Degradation", "`DegradationPipeline.defaults()` (spec v1); face `i` uses seed `"
                + Evaluation.SEED_BASE + " + i`; every output is quantised to 8 bits before scoring");
        row(sb, "Classical baselines", run.baseline.toString() + " (chosen on training faces 4300-4339 only)");
        double smfdTime = 0;
        int nt = 0;
        for (FaceResult f : all) {
            if (!Double.isNaN(f.smfdSeconds)) {
                smfdTime += f.smfdSeconds;
                nt++;
            }
        }
        row(sb, "Time", fmt("%.1f s wall, %d face threads", run.wallSeconds, run.options.threads())
                + (nt > 0 ? fmt("; SMFD %.3f s per face (mean call latency)", smfdTime / nt) : ""));
        row(sb, "Face descriptor", descriptorLine(run));
        row(sb, "NIQE", run.niqeStatus);
        sb.append('\n');

        sb.append("## Summary (all faces)\n\n");
        sb.append("PSNR in dB (RGB: peak 1 on [0,1]; Y: BT.601 luma on the 8-bit scale, peak 255). SSIM: Wang et al."
                + " 2004, 11x11 Gaussian window (sigma 1.5), RGB = mean of the channel SSIMs with L = 1, Y with"
                + " L = 255. Eyes/mouth: RGB PSNR over the ground-truth region. Higher is better. Means over faces;"
                + " per-face PSNR capped at " + (int) ImageMetrics.PSNR_CAP_DB + " dB.\n\n");
        sb.append("| Method | n | PSNR RGB | SSIM RGB | PSNR Y | SSIM Y | PSNR eyes | PSNR mouth |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Method m : ms) {
            sb.append("| ").append(m.label).append(" | ").append(count(all, m, Metric.PSNR_RGB));
            for (Metric k : Metric.values()) {
                sb.append(" | ").append(value(k, mean(all, m, k)));
            }
            sb.append(" |\n");
        }
        if (run.smfd) {
            sb.append("| *SMFD - best classical* | ").append(all.size());
            for (Metric k : Metric.values()) {
                sb.append(" | ").append(delta(k, mean(all, Method.SMFD, k) - mean(all, Method.BEST_CLASSICAL, k)));
            }
            sb.append(" |\n");
        }
        sb.append('\n');

        sb.append("## By blur family\n\n");
        groupTable(sb, "Family", ms, familyGroups(all));

        sb.append("## By blur strength\n\n");
        sb.append("Strength = radius of gyration of the blur kernel, `sqrt(sum k(x,y) |(x,y) - centroid|^2)` in pixels"
                + " (an isotropic Gaussian of sigma s has sqrt(2) s; a linear motion of length L has L/sqrt(12);"
                + " a disk of radius R has R/sqrt(2)).\n\n");
        groupTable(sb, "Strength", ms, strengthGroups(all));

        sb.append("## By post-blur degradation\n\n");
        sb.append("The same faces grouped by the steps the pipeline drew after the blur (a face can have several, so"
                + " the \"with\" groups overlap; \"blur only\" has none of them).\n\n");
        groupTable(sb, "Condition", ms, conditionGroups(all));

        identitySections(sb, run, ver);

        sb.append("## Region PSNR (eyes, mouth)\n\n");
        sb.append("RGB PSNR (peak 1) over the pixels of the ground-truth grouped mask: eyes = CelebAMask-HQ classes 4, 5;"
                + " mouth = 10, 11, 12. Faces whose region is empty are left out (n).\n\n");
        sb.append("| Method | PSNR eyes | n eyes | PSNR mouth | n mouth |\n| --- | ---: | ---: | ---: | ---: |\n");
        for (Method m : ms) {
            sb.append("| ").append(m.label).append(" | ").append(value(Metric.PSNR_EYES, mean(all, m, Metric.PSNR_EYES)))
                    .append(" | ").append(count(all, m, Metric.PSNR_EYES)).append(" | ")
                    .append(value(Metric.PSNR_MOUTH, mean(all, m, Metric.PSNR_MOUTH))).append(" | ")
                    .append(count(all, m, Metric.PSNR_MOUTH)).append(" |\n");
        }
        sb.append('\n');

        sb.append("## Mask generator IoU\n\n");
        if (!run.smfd) {
            sb.append("Not measured: SMFD was skipped (`--backend none`).\n\n");
        } else {
            sb.append("Argmax of the masks SMFD predicts from the **blurry input** against the ground-truth masks grouped"
                    + " into the model's 8 classes. Per image and class, IoU = |pred AND gt| / |pred OR gt|; a class"
                    + " absent from both prediction and ground truth in an image is skipped for that image. \"Mean IoU\""
                    + " averages over the images where the class occurs; \"pooled IoU\" sums intersections and unions"
                    + " over all images.\n\n");
            if (run.foreignClasses != null) {
                sb.append("> **Note:** the model's mask classes ").append(run.foreignClasses).append(" differ from the"
                        + " ground-truth groups ").append(FaceDataset.GROUP_NAMES).append("; classes are matched by name"
                        + " and predicted classes without a ground-truth counterpart count as misses.\n\n");
            }
            double[][] st = iouStats(all);
            sb.append("| Class | Mean IoU | Images | Pooled IoU |\n| --- | ---: | ---: | ---: |\n");
            double mc = 0;
            int nc = 0;
            for (int c = 0; c < st.length; c++) {
                sb.append("| ").append(FaceDataset.GROUP_NAMES.get(c)).append(" | ").append(num(st[c][0], "%.4f"))
                        .append(" | ").append((int) st[c][1]).append(" | ").append(num(st[c][2], "%.4f")).append(" |\n");
                if (!Double.isNaN(st[c][0])) {
                    mc += st[c][0];
                    nc++;
                }
            }
            sb.append("| **mIoU (mean over classes)** | **").append(num(nc == 0 ? Double.NaN : mc / nc, "%.4f"))
                    .append("** | ").append(all.size()).append(" | |\n");
            sb.append("| mIoU (mean over images of the per-image mean) | ").append(num(meanImageIou(all), "%.4f"))
                    .append(" | ").append(all.size()).append(" | |\n\n");
        }

        sb.append("## Classical baselines\n\n");
        sb.append("- **Unsharp mask**: `x + amount (x - G_sigma * x)` per RGB channel, mirror borders.\n");
        sb.append("- **Wiener (blind)**: frequency-domain Wiener deconvolution per RGB channel with a Gaussian kernel whose"
                + " sigma (and noise-to-signal ratio) is estimated from the blurry image alone by fitting its radially"
                + " averaged log power spectrum with a 1/f^alpha natural-image prior times the Gaussian's"
                + " exp(-(2 pi f sigma)^2) plus a noise floor; half-sample mirror padding to a power of two; own"
                + " radix-2 FFT.\n");
        sb.append("- **Best classical**: per image, whichever of the two has the higher RGB PSNR against the sharp face"
                + " (an oracle choice, so an upper bound for these baselines); all its metrics come from that method.\n");
        sb.append("- Parameters were chosen on training faces 4300-4339 only (never on eval/): ")
                .append(run.baseline).append(".\n\n");
        sb.append("| Family | n | Best = Wiener | Best = unsharp | Mean estimated sigma (px) |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: |\n");
        for (BlurFamily fam : BlurFamily.values()) {
            List<FaceResult> g = filter(all, f -> f.family == fam);
            baselineRow(sb, fam.name().toLowerCase(Locale.ROOT), g);
        }
        baselineRow(sb, "all", all);
        sb.append('\n');

        sb.append("## Files\n\n");
        sb.append("- `report.json`: the same numbers, machine-readable.\n");
        sb.append("- `per_image.csv`: one line per face (degradation, strength, all metrics, identity distances, NIQE,"
                + " IoU).\n");
        sb.append("- `do_no_harm.csv`: one line per face of the sharp and mild sets.\n");
        sb.append("- `grid.png`: a few faces: blurry input | best classical | SMFD | sharp | predicted masks | ground-truth"
                + " masks. Derived from CelebAMask-HQ (non-commercial licence): do not commit or redistribute.\n\n");
        sb.append("Method details: `docs/evaluation.md`.\n");
        return sb.toString();
    }

    /** Faces grouped by blur family, in {@link BlurFamily} order, named in lower case. */
    private static List<Group> familyGroups(List<FaceResult> all) {
        return List.of(BlurFamily.values()).stream()
                .map(fam -> new Group(fam.name().toLowerCase(Locale.ROOT), filter(all, f -> f.family == fam)))
                .toList();
    }

    /** Faces grouped by strength bucket ({@link Evaluation#BUCKET_LABELS}). */
    static List<Group> strengthGroups(List<FaceResult> all) {
        List<Group> buckets = new ArrayList<>();
        for (int b = 0; b < Evaluation.BUCKET_LABELS.length; b++) {
            int bb = b;
            buckets.add(new Group(Evaluation.BUCKET_LABELS[b], filter(all, f -> f.bucket == bb)));
        }
        return buckets;
    }

    /** Faces grouped by the post-blur steps: blur only, with noise, with JPEG, with down-up rescaling. */
    static List<Group> conditionGroups(List<FaceResult> all) {
        return List.of(new Group("blur only", filter(all, f -> !f.noise && !f.jpeg && !f.rescaled)),
                new Group("with noise", filter(all, f -> f.noise)),
                new Group("with JPEG", filter(all, f -> f.jpeg)),
                new Group("with rescaling", filter(all, f -> f.rescaled)));
    }

    record Group(String name, List<FaceResult> faces) {
    }

    private static void groupTable(StringBuilder sb, String title, List<Method> ms, List<Group> groups) {
        sb.append("| ").append(title).append(" | n | Method | PSNR RGB | SSIM RGB | PSNR Y | SSIM Y |\n");
        sb.append("| --- | ---: | --- | ---: | ---: | ---: | ---: |\n");
        for (Group g : groups) {
            if (g.faces().isEmpty()) {
                sb.append("| ").append(g.name()).append(" | 0 | - | | | | |\n");
                continue;
            }
            boolean first = true;
            for (Method m : ms) {
                sb.append("| ").append(first ? g.name() : "").append(" | ").append(first ? g.faces().size() : "")
                        .append(" | ").append(m.label);
                for (Metric k : MAIN) {
                    sb.append(" | ").append(value(k, mean(g.faces(), m, k)));
                }
                sb.append(" |\n");
                first = false;
            }
        }
        sb.append('\n');
    }

    private static void baselineRow(StringBuilder sb, String name, List<FaceResult> g) {
        int w = 0;
        double s = 0;
        for (FaceResult f : g) {
            if (f.bestClassical == Method.WIENER) {
                w++;
            }
            s += f.estimatedSigma;
        }
        sb.append("| ").append(name).append(" | ").append(g.size()).append(" | ").append(w).append(" | ")
                .append(g.size() - w).append(" | ").append(g.isEmpty() ? "-" : fmt("%.2f", s / g.size())).append(" |\n");
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
    }

    private static String value(Metric k, double v) {
        return num(v, k == Metric.SSIM_RGB || k == Metric.SSIM_Y ? "%.4f" : "%.2f");
    }

    private static String delta(Metric k, double v) {
        return Double.isNaN(v) ? "n/a" : (v >= 0 ? "+" : "") + value(k, v);
    }

    private static String num(double v, String f) {
        return Double.isNaN(v) ? "n/a" : fmt(f, v);
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    // ---------------------------------------------------------------- identity, do no harm, NIQE

    static String descriptorLine(Evaluation.Run run) {
        return "dlib ResNet face descriptor (face-api 1.7.15 weights, ONNX, sha256 "
                + (run.descriptorSha256 == null ? "?" : run.descriptorSha256.substring(0, 12)) + "), "
                + fmt("%.3f", FaceDescriptor.GFLOP_PER_CHIP) + " GFLOP per face (150x150 chip); measured "
                + num(run.descriptorMillisPerChip(), "%.1f") + " ms per face (mean batched call time per chip, "
                + run.descriptorChips.get() + " chips, ONNX Runtime CPU, alongside the other face threads)";
    }

    /** Identity distances of one method over faces. */
    static IdentityStats.Summary identity(List<FaceResult> faces, Method m) {
        double[] v = new double[faces.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = faces.get(i).identity[m.ordinal()];
        }
        return IdentityStats.summarise(v);
    }

    private static List<Method> identityMethods(Evaluation.Run run) {
        List<Method> ms = new ArrayList<>(Evaluation.IDENTITY_METHODS);
        if (!run.smfd) {
            ms.remove(Method.SMFD);
        }
        return ms;
    }

    /** Verification rows per probe method, or an empty list with fewer than 2 faces. */
    static List<IdentityStats.Verification> verification(List<FaceResult> faces, List<Method> ms) {
        List<IdentityStats.Verification> out = new ArrayList<>();
        if (faces.size() < 2) {
            return out;
        }
        List<float[]> gallery = faces.stream().map(f -> f.sharpDescriptor).toList();
        for (Method m : ms) {
            out.add(IdentityStats.verify(gallery, faces.stream().map(f -> f.descriptors[m.ordinal()]).toList()));
        }
        return out;
    }

    private static void identityRow(StringBuilder sb, String first, IdentityStats.Summary s) {
        sb.append(first).append(" | ").append(s.n()).append(" | ").append(num(s.mean(), "%.3f")).append(" | ")
                .append(num(s.median(), "%.3f")).append(" | ").append(num(s.p95(), "%.3f")).append(" | ")
                .append(pct(s.within())).append(" |\n");
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : fmt("%.1f%%", 100 * v);
    }

    private static void identityGroupTable(StringBuilder sb, String title, List<Method> ms, List<Group> groups) {
        sb.append("| ").append(title).append(" | Method | n | mean | median | p95 | within 0.6 |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Group g : groups) {
            boolean first = true;
            for (Method m : ms) {
                identityRow(sb, "| " + (first ? g.name() : "") + " | " + m.label, identity(g.faces(), m));
                first = false;
            }
        }
        sb.append('\n');
    }

    static void identitySections(StringBuilder sb, Evaluation.Run run, List<IdentityStats.Verification> ver) {
        List<FaceResult> all = run.faces;
        List<Method> ms = identityMethods(run);
        sb.append("## Identity (face descriptor)\n\n");
        sb.append("What a face matcher sees: the 128-D dlib ResNet face descriptor (`FaceDescriptor`; chip = PIL"
                + " `crop((38, 64, 217, 243)).resize((150, 150), BILINEAR)` of the 256x256 face) of each image, and"
                + " its Euclidean distance to the descriptor of the sharp face. Lower is better; dlib calls two faces"
                + " the same person below **0.6** (different people are typically 0.7-1.0 apart). \"within 0.6\" ="
                + " share of faces whose output would still match the sharp face. Cost: ")
                .append(fmt("%.3f", FaceDescriptor.GFLOP_PER_CHIP)).append(" GFLOP and ")
                .append(num(run.descriptorMillisPerChip(), "%.1f")).append(" ms per face (measured in this run).\n\n");
        sb.append("| Method | n | mean | median | p95 | within 0.6 |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Method m : ms) {
            identityRow(sb, "| " + m.label, identity(all, m));
        }
        sb.append('\n');
        sb.append("### Identity by blur family\n\n");
        identityGroupTable(sb, "Family", ms, familyGroups(all));
        sb.append("### Identity by blur strength\n\n");
        identityGroupTable(sb, "Strength", ms, strengthGroups(all));

        sb.append("## Verification (TAR at fixed FAR)\n\n");
        if (ver.isEmpty()) {
            sb.append("Not measured: needs at least 2 faces.\n\n");
        } else {
            IdentityStats.Verification v0 = ver.get(0);
            sb.append("Gallery = the ").append(v0.genuine()).append(" sharp faces; probes = each method's output for"
                    + " the same faces. Genuine comparison = probe against the gallery entry of the same face id ("
                    + v0.genuine() + "); impostor comparisons = probe against every other gallery face ("
                    + v0.impostors() + "). For each probe method the threshold is taken from **its own impostor"
                    + " distances**: sorted ascending, the threshold for FAR f is the impostor distance at rank"
                    + " floor(f x impostors), and a comparison is accepted when its distance is strictly below it, so"
                    + " at most that many impostors are accepted (achieved FAR in brackets). TAR = share of genuine"
                    + " comparisons accepted. The last two columns use dlib's fixed threshold 0.6 instead. CelebA-HQ"
                    + " can hold the same celebrity in several images and the mini set has no identity labels, so a"
                    + " few \"impostor\" pairs may be the same person: the FARs are conservative.\n\n");
            sb.append("| Probe | TAR @ FAR 1e-2 | threshold (achieved FAR) | TAR @ FAR 1e-3 | threshold (achieved FAR)"
                    + " | TAR @ 0.6 | FAR @ 0.6 |\n");
            sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (int i = 0; i < ms.size(); i++) {
                IdentityStats.Verification v = ver.get(i);
                sb.append("| ").append(ms.get(i).label);
                for (int f = 0; f < IdentityStats.FARS.length; f++) {
                    sb.append(" | ").append(pct(v.tar()[f])).append(" | ").append(fmt("%.3f", v.thresholds()[f]))
                            .append(" (").append(fmt("%.2g", v.achievedFar()[f])).append(")");
                }
                sb.append(" | ").append(pct(v.tarAtThreshold())).append(" | ")
                        .append(fmt("%.2g", v.farAtThreshold())).append(" |\n");
            }
            sb.append('\n');
        }

        doNoHarmSection(sb, run);
        AssessmentReport.markdown(sb, run);

        sb.append("## NIQE (no-reference quality)\n\n");
        if (run.niqe == null) {
            sb.append("Not measured: ").append(run.niqeStatus).append(".\n\n");
        } else {
            sb.append("NIQE (Mittal et al. 2013; `Niqe`, matching scikit-video's reference `skvideo.measure.niqe` at"
                    + " commit cf9e6d9 within 1e-2) on the 8-bit luma (PIL `convert('L')`) of each 256x256 image: 96 px"
                    + " patches, so only 4 per scale and single-face values are noisy. Lower = more natural-looking;"
                    + " it needs no reference, so it also scores the sharp faces.\n\n");
            sb.append("| Image | n | mean | median |\n| --- | ---: | ---: | ---: |\n");
            double[] sharpVals = all.stream().mapToDouble(f -> f.niqeSharp).toArray();
            niqeRow(sb, "Sharp face", sharpVals);
            for (Method m : ms) {
                niqeRow(sb, m.label, all.stream().mapToDouble(f -> f.niqe[m.ordinal()]).toArray());
            }
            sb.append('\n');
        }
    }

    /** {mean, median, n} of non-NaN values. */
    static double[] meanMedian(double[] values) {
        IdentityStats.Summary s = IdentityStats.summarise(values);
        return new double[] {s.mean(), s.median(), s.n()};
    }

    private static void niqeRow(StringBuilder sb, String label, double[] values) {
        double[] mm = meanMedian(values);
        sb.append("| ").append(label).append(" | ").append((int) mm[2]).append(" | ").append(num(mm[0], "%.3f"))
                .append(" | ").append(num(mm[1], "%.3f")).append(" |\n");
    }

    /** Mean of a per-face value over faces (NaN skipped; PSNR capped at {@link ImageMetrics#PSNR_CAP_DB}). */
    static double meanOf(List<FaceResult> faces, java.util.function.ToDoubleFunction<FaceResult> f, boolean psnr) {
        double s = 0;
        int n = 0;
        for (FaceResult r : faces) {
            double v = f.applyAsDouble(r);
            if (Double.isNaN(v)) {
                continue;
            }
            s += psnr ? Math.min(v, ImageMetrics.PSNR_CAP_DB) : v;
            n++;
        }
        return n == 0 ? Double.NaN : s / n;
    }

    private static IdentityStats.Summary drift(List<FaceResult> faces) {
        return IdentityStats.summarise(faces.stream().mapToDouble(f -> f.smfdVsInputDrift).toArray());
    }

    static void doNoHarmSection(StringBuilder sb, Evaluation.Run run) {
        sb.append("## Do no harm (sharp and mildly blurred inputs)\n\n");
        if (!run.smfd) {
            sb.append("Not measured: SMFD was skipped (`--backend none`).\n\n");
            return;
        }
        List<FaceResult> sharp = run.faces(FaceSet.SHARP);
        List<FaceResult> mild = run.faces(FaceSet.MILD);
        sb.append("SMFD is meant to run before every match, so it must not damage faces that are already sharp."
                + " Two extra sets of the same held-out faces go through SMFD: **sharp** = the face itself (no"
                + " degradation) and **mild** = blur only, no noise, JPEG or rescaling (`Evaluation.mildPipeline()`:"
                + " half isotropic Gaussian sigma 0.3-1.0 px, half camera-shake trajectory kernels of 5-9 px; face `i`"
                + " uses seed `").append(Evaluation.MILD_SEED_BASE).append(" + i`). \"Output vs input\" measures how"
                + " much SMFD changes its input (for a sharp input that change is all harm); identity drift = descriptor"
                + " distance between SMFD's output and its input. PSNR/SSIM are RGB.\n\n");
        sb.append("| Set | n | output vs input: PSNR | SSIM | identity drift mean | median | p95 | within 0.6 |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (FaceSet set : List.of(FaceSet.SHARP, FaceSet.MILD)) {
            List<FaceResult> g = run.faces(set);
            IdentityStats.Summary d = drift(g);
            sb.append("| ").append(set.label).append(" | ").append(g.size()).append(" | ")
                    .append(num(meanOf(g, f -> f.smfdVsInputPsnr, true), "%.2f")).append(" | ")
                    .append(num(meanOf(g, f -> f.smfdVsInputSsim, false), "%.4f")).append(" | ")
                    .append(num(d.mean(), "%.3f")).append(" | ").append(num(d.median(), "%.3f")).append(" | ")
                    .append(num(d.p95(), "%.3f")).append(" | ").append(pct(d.within())).append(" |\n");
        }
        sb.append('\n');
        sb.append("Mild set against the sharp face (does SMFD bring a mildly blurred face closer to the sharp one?):\n\n");
        sb.append("| Mild set | n | PSNR RGB | SSIM RGB | identity mean | median | p95 | within 0.6 |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Method m : List.of(Method.BLURRY, Method.SMFD)) {
            IdentityStats.Summary id = identity(mild, m);
            sb.append("| ").append(m == Method.BLURRY ? "mild input" : "SMFD output").append(" | ").append(mild.size())
                    .append(" | ").append(value(Metric.PSNR_RGB, mean(mild, m, Metric.PSNR_RGB))).append(" | ")
                    .append(value(Metric.SSIM_RGB, mean(mild, m, Metric.SSIM_RGB))).append(" | ")
                    .append(num(id.mean(), "%.3f")).append(" | ").append(num(id.median(), "%.3f")).append(" | ")
                    .append(num(id.p95(), "%.3f")).append(" | ").append(pct(id.within())).append(" |\n");
        }
        sb.append('\n');
        sb.append("Mild set by blur family:\n\n");
        sb.append("| Family | n | mean r_g (px) | input PSNR | SMFD PSNR | input identity | SMFD identity | drift |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Group g : familyGroups(mild)) {
            if (g.faces().isEmpty()) {
                continue;
            }
            sb.append("| ").append(g.name()).append(" | ").append(g.faces().size()).append(" | ")
                    .append(num(meanOf(g.faces(), f -> f.strength, false), "%.2f")).append(" | ")
                    .append(value(Metric.PSNR_RGB, mean(g.faces(), Method.BLURRY, Metric.PSNR_RGB))).append(" | ")
                    .append(value(Metric.PSNR_RGB, mean(g.faces(), Method.SMFD, Metric.PSNR_RGB))).append(" | ")
                    .append(num(identity(g.faces(), Method.BLURRY).mean(), "%.3f")).append(" | ")
                    .append(num(identity(g.faces(), Method.SMFD).mean(), "%.3f")).append(" | ")
                    .append(num(drift(g.faces()).mean(), "%.3f")).append(" |\n");
        }
        sb.append('\n');
        if (sharp.isEmpty()) {
            sb.append("No face in the do-no-harm sets.\n\n");
        }
    }

    // ---------------------------------------------------------------- JSON

    /** The JSON report; {@code ver} as for {@link #markdown}. */
    static String json(Evaluation.Run run, List<IdentityStats.Verification> ver) {
        List<FaceResult> all = run.faces;
        List<Method> ms = methods(run);
        StringBuilder sb = new StringBuilder("{\n");
        kv(sb, 1, "command", str(run.options.commandLine()), true);
        kv(sb, 1, "date", str(run.date), true);
        kv(sb, 1, "data", str(run.dataRoot + "/eval"), true);
        kv(sb, 1, "split", str("held-out eval (4500-4999)"), true);
        kv(sb, 1, "faces", Integer.toString(all.size()), true);
        kv(sb, 1, "skipped", Integer.toString(run.skipped.size()), true);
        kv(sb, 1, "backend", str(run.backendName), true);
        kv(sb, 1, "device", str(run.device), true);
        kv(sb, 1, "model", str(run.modelDescription), true);
        kv(sb, 1, "seedBase", Long.toString(Evaluation.SEED_BASE), true);
        kv(sb, 1, "baseline", str(run.baseline.toString()), true);
        kv(sb, 1, "wallSeconds", jnum(run.wallSeconds), true);
        kv(sb, 1, "overall", methodsJson(all, ms, 1), true);
        kv(sb, 1, "byFamily", groupsJson(familyGroups(all), ms), true);
        kv(sb, 1, "byStrength", groupsJson(strengthGroups(all), ms), true);
        kv(sb, 1, "byCondition", groupsJson(conditionGroups(all), ms), true);
        sb.append(identityJson(run, ver));
        StringBuilder iou = new StringBuilder("{\n");
        if (run.smfd) {
            double[][] st = iouStats(all);
            for (int c = 0; c < st.length; c++) {
                kv(iou, 2, FaceDataset.GROUP_NAMES.get(c), "{\"meanIoU\": " + jnum(st[c][0]) + ", \"images\": "
                        + (int) st[c][1] + ", \"pooledIoU\": " + jnum(st[c][2]) + "}", true);
            }
            double mc = 0;
            int nc = 0;
            for (double[] s : st) {
                if (!Double.isNaN(s[0])) {
                    mc += s[0];
                    nc++;
                }
            }
            kv(iou, 2, "mIoU", jnum(nc == 0 ? Double.NaN : mc / nc), true);
            kv(iou, 2, "mIoUPerImage", jnum(meanImageIou(all)), false);
        }
        iou.append("  }");
        kv(sb, 1, "blurAssessment", AssessmentReport.json(run), true);
        kv(sb, 1, "maskIoU", iou.toString(), false);
        sb.append("}\n");
        return sb.toString();
    }

    // ---------------------------------------------------------------- JSON: identity, do no harm, NIQE

    private static String summaryJson(IdentityStats.Summary s) {
        return "{\"n\": " + s.n() + ", \"mean\": " + jnum(s.mean()) + ", \"median\": " + jnum(s.median())
                + ", \"p95\": " + jnum(s.p95()) + ", \"within\": " + jnum(s.within()) + "}";
    }

    private static String identityMethodsJson(List<FaceResult> g, List<Method> ms) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < ms.size(); i++) {
            sb.append(str(camel(ms.get(i).name()))).append(": ").append(summaryJson(identity(g, ms.get(i))));
            sb.append(i < ms.size() - 1 ? ", " : "");
        }
        return sb.append('}').toString();
    }

    private static String identityGroupsJson(List<Group> groups, List<Method> ms) {
        StringBuilder sb = new StringBuilder("{\n");
        for (int i = 0; i < groups.size(); i++) {
            kv(sb, 3, groups.get(i).name(), identityMethodsJson(groups.get(i).faces(), ms), i < groups.size() - 1);
        }
        return sb.append("    }").toString();
    }

    static String identityJson(Evaluation.Run run, List<IdentityStats.Verification> vs) {
        List<FaceResult> all = run.faces;
        List<Method> ms = identityMethods(run);
        StringBuilder sb = new StringBuilder();
        kv(sb, 1, "descriptor", "{\"name\": \"dlib-face-descriptor\", \"sha256\": " + str(String.valueOf(run.descriptorSha256))
                + ", \"gflopPerFace\": " + jnum(FaceDescriptor.GFLOP_PER_CHIP) + ", \"msPerFace\": "
                + jnum(run.descriptorMillisPerChip()) + ", \"chips\": " + run.descriptorChips.get()
                + ", \"threshold\": " + jnum(FaceDescriptor.SAME_PERSON_THRESHOLD) + "}", true);
        StringBuilder id = new StringBuilder("{\n");
        kv(id, 2, "overall", identityMethodsJson(all, ms), true);
        kv(id, 2, "byFamily", identityGroupsJson(familyGroups(all), ms), true);
        kv(id, 2, "byStrength", identityGroupsJson(strengthGroups(all), ms), false);
        kv(sb, 1, "identity", id.append("  }").toString(), true);
        StringBuilder ver = new StringBuilder("{\n");
        for (int i = 0; i < vs.size(); i++) {
            IdentityStats.Verification v = vs.get(i);
            StringBuilder o = new StringBuilder("{\"genuine\": " + v.genuine() + ", \"impostors\": " + v.impostors());
            for (int f = 0; f < IdentityStats.FARS.length; f++) {
                String far = f == 0 ? "1e-2" : "1e-3";
                o.append(", \"tarAtFar").append(far).append("\": ").append(jnum(v.tar()[f]))
                        .append(", \"thresholdAtFar").append(far).append("\": ").append(jnum(v.thresholds()[f]))
                        .append(", \"achievedFar").append(far).append("\": ").append(jnum(v.achievedFar()[f]));
            }
            o.append(", \"tarAt0.6\": ").append(jnum(v.tarAtThreshold())).append(", \"farAt0.6\": ")
                    .append(jnum(v.farAtThreshold())).append('}');
            kv(ver, 2, camel(ms.get(i).name()), o.toString(), i < vs.size() - 1);
        }
        kv(sb, 1, "verification", ver.append("  }").toString(), true);
        StringBuilder dnh = new StringBuilder("{\n");
        if (run.smfd) {
            List<FaceSet> sets = List.of(FaceSet.SHARP, FaceSet.MILD);
            for (int i = 0; i < sets.size(); i++) {
                List<FaceResult> g = run.faces(sets.get(i));
                String o = "{\"n\": " + g.size()
                        + ", \"outputVsInputPsnrRgb\": " + jnum(meanOf(g, f -> f.smfdVsInputPsnr, true))
                        + ", \"outputVsInputSsimRgb\": " + jnum(meanOf(g, f -> f.smfdVsInputSsim, false))
                        + ", \"identityDrift\": " + summaryJson(drift(g))
                        + ", \"inputVsSharp\": {\"psnrRgb\": " + jnum(mean(g, Method.BLURRY, Metric.PSNR_RGB))
                        + ", \"ssimRgb\": " + jnum(mean(g, Method.BLURRY, Metric.SSIM_RGB))
                        + ", \"identity\": " + summaryJson(identity(g, Method.BLURRY)) + "}"
                        + ", \"smfdVsSharp\": {\"psnrRgb\": " + jnum(mean(g, Method.SMFD, Metric.PSNR_RGB))
                        + ", \"ssimRgb\": " + jnum(mean(g, Method.SMFD, Metric.SSIM_RGB))
                        + ", \"identity\": " + summaryJson(identity(g, Method.SMFD)) + "}}";
                kv(dnh, 2, sets.get(i).label, o, i < sets.size() - 1);
            }
        }
        kv(sb, 1, "doNoHarm", dnh.append("  }").toString(), true);
        StringBuilder nq = new StringBuilder("{\n");
        kv(nq, 2, "status", str(run.niqeStatus == null ? "" : run.niqeStatus), run.niqe != null);
        if (run.niqe != null) {
            double[] sh = meanMedian(all.stream().mapToDouble(f -> f.niqeSharp).toArray());
            kv(nq, 2, "sharp", "{\"mean\": " + jnum(sh[0]) + ", \"median\": " + jnum(sh[1]) + "}", true);
            for (int i = 0; i < ms.size(); i++) {
                Method m = ms.get(i);
                double[] mm = meanMedian(all.stream().mapToDouble(f -> f.niqe[m.ordinal()]).toArray());
                kv(nq, 2, camel(m.name()), "{\"mean\": " + jnum(mm[0]) + ", \"median\": " + jnum(mm[1]) + "}",
                        i < ms.size() - 1);
            }
        }
        kv(sb, 1, "niqe", nq.append("  }").toString(), true);
        return sb.toString();
    }

    /** A JSON object (at depth 1) with one {@link #groupJson} entry per group, keyed by the group's name. */
    private static String groupsJson(List<Group> groups, List<Method> ms) {
        StringBuilder sb = new StringBuilder("{\n");
        for (int i = 0; i < groups.size(); i++) {
            kv(sb, 2, groups.get(i).name(), groupJson(groups.get(i).faces(), ms, 2), i < groups.size() - 1);
        }
        return sb.append("  }").toString();
    }

    private static String groupJson(List<FaceResult> g, List<Method> ms, int depth) {
        return "{\"n\": " + g.size() + ", \"methods\": " + methodsJson(g, ms, depth + 1) + "}";
    }

    private static String methodsJson(List<FaceResult> g, List<Method> ms, int depth) {
        StringBuilder sb = new StringBuilder("{\n");
        for (int i = 0; i < ms.size(); i++) {
            Method m = ms.get(i);
            StringBuilder v = new StringBuilder("{");
            Metric[] ks = Metric.values();
            for (int j = 0; j < ks.length; j++) {
                v.append('"').append(camel(ks[j].name())).append("\": ").append(jnum(mean(g, m, ks[j])));
                if (j < ks.length - 1) {
                    v.append(", ");
                }
            }
            v.append('}');
            kv(sb, depth + 1, camel(m.name()), v.toString(), i < ms.size() - 1);
        }
        sb.append("  ".repeat(depth)).append('}');
        return sb.toString();
    }

    private static String camel(String s) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    private static void kv(StringBuilder sb, int depth, String k, String v, boolean comma) {
        sb.append("  ".repeat(depth)).append(str(k)).append(": ").append(v).append(comma ? ",\n" : "\n");
    }

    static String jnum(double v) {
        return Double.isFinite(v) ? fmt("%.6g", v) : "null";
    }

    static String str(String s) {
        return Json.write(s); // the JSON string literal, escaped as smfd-api's reader/writer does
    }

    // ---------------------------------------------------------------- CSV

    static String csv(Evaluation.Run run) {
        StringBuilder sb = new StringBuilder("id,seed,family,strength_px,bucket,estimated_sigma,best_classical,smfd_seconds");
        for (Method m : Method.values()) {
            for (Metric k : Metric.values()) {
                sb.append(',').append(m.name().toLowerCase(Locale.ROOT)).append('_').append(k.name().toLowerCase(Locale.ROOT));
            }
        }
        for (String c : FaceDataset.GROUP_NAMES) {
            sb.append(",iou_").append(c);
        }
        for (Method m : Evaluation.IDENTITY_METHODS) {
            sb.append(",identity_").append(m.name().toLowerCase(Locale.ROOT));
        }
        sb.append(",niqe_sharp");
        for (Method m : Evaluation.IDENTITY_METHODS) {
            sb.append(",niqe_").append(m.name().toLowerCase(Locale.ROOT));
        }
        sb.append(",degradation\n");
        for (FaceResult f : run.faces) {
            sb.append(f.id).append(',').append(f.seed).append(',').append(f.family.name().toLowerCase(Locale.ROOT))
                    .append(',').append(fmt("%.3f", f.strength)).append(',')
                    .append(Evaluation.BUCKET_LABELS[f.bucket]).append(',').append(fmt("%.3f", f.estimatedSigma))
                    .append(',').append(f.bestClassical.name().toLowerCase(Locale.ROOT)).append(',')
                    .append(Double.isNaN(f.smfdSeconds) ? "" : fmt("%.4f", f.smfdSeconds));
            for (Method m : Method.values()) {
                for (Metric k : Metric.values()) {
                    sb.append(',').append(cell(f.values[m.ordinal()][k.ordinal()]));
                }
            }
            for (int c = 0; c < FaceDataset.GROUP_NAMES.size(); c++) {
                sb.append(',').append(cell(f.iou == null ? Double.NaN : f.iou[c]));
            }
            for (Method m : Evaluation.IDENTITY_METHODS) {
                sb.append(',').append(cell(f.identity[m.ordinal()]));
            }
            sb.append(',').append(cell(f.niqeSharp));
            for (Method m : Evaluation.IDENTITY_METHODS) {
                sb.append(',').append(cell(f.niqe[m.ordinal()]));
            }
            sb.append(",\"").append(f.degradation.replace("\"", "'")).append("\"\n");
        }
        return sb.toString();
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : Double.isInfinite(v) ? "inf" : fmt("%.5f", v);
    }

    /** One line per face of the SHARP and MILD sets. */
    static String doNoHarmCsv(Evaluation.Run run) {
        StringBuilder sb = new StringBuilder("set,id,seed,family,strength_px,input_psnr_rgb,input_ssim_rgb,"
                + "smfd_psnr_rgb,smfd_ssim_rgb,input_identity,smfd_identity,smfd_vs_input_psnr_rgb,"
                + "smfd_vs_input_ssim_rgb,smfd_vs_input_drift,degradation\n");
        for (FaceSet set : List.of(FaceSet.SHARP, FaceSet.MILD)) {
            for (FaceResult f : run.faces(set)) {
                sb.append(set.label).append(',').append(f.id).append(',').append(f.seed).append(',')
                        .append(f.family == null ? "" : f.family.name().toLowerCase(Locale.ROOT)).append(',')
                        .append(fmt("%.3f", f.strength)).append(',')
                        .append(cell(f.values[Method.BLURRY.ordinal()][Metric.PSNR_RGB.ordinal()])).append(',')
                        .append(cell(f.values[Method.BLURRY.ordinal()][Metric.SSIM_RGB.ordinal()])).append(',')
                        .append(cell(f.values[Method.SMFD.ordinal()][Metric.PSNR_RGB.ordinal()])).append(',')
                        .append(cell(f.values[Method.SMFD.ordinal()][Metric.SSIM_RGB.ordinal()])).append(',')
                        .append(cell(f.identity[Method.BLURRY.ordinal()])).append(',')
                        .append(cell(f.identity[Method.SMFD.ordinal()])).append(',')
                        .append(cell(f.smfdVsInputPsnr)).append(',').append(cell(f.smfdVsInputSsim)).append(',')
                        .append(cell(f.smfdVsInputDrift)).append(",\"")
                        .append(String.valueOf(f.degradation).replace("\"", "'")).append("\"\n");
            }
        }
        return sb.toString();
    }
}

package io.smfd.eval;

import io.smfd.BlurAssessment;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import io.smfd.degrade.Degradation;
import io.smfd.degrade.DegradationPipeline;
import io.smfd.degrade.Parameter;
import io.smfd.degrade.Range;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fits the constants of the blur assessment ({@code io.smfd.internal.BlurEstimator}, features and models from
 * {@link AssessmentFeatures}) to one model, on <b>training</b> faces only ({@code train/images}, ids
 * {@value #FIRST_ID}..{@value #LAST_ID} in steps of {@code --step}; the held-out {@code eval/} faces are never
 * read), and writes them as the model's calibration file ({@code --write}, format {@code smfd-assess/1}: beside
 * a model file as {@code <name>.assess.json}, or {@code smfd-model/.../smfd-unet.assess.json} for the bundled
 * model, which {@code training/run_stage.py --ship} does).
 *
 * <p>Every face is used in one condition and one geometry, round robin over the face index {@code k}: condition
 * {@code k % 5} is one of the default degradations ({@code DegradationPipeline.defaults()}), twice; sharp (no
 * degradation); mild ({@link #MILD}); and linear motion ({@link #MOTION}: the deployment matrix's 5..17 px at
 * random angles, half of them with noise and JPEG); geometry {@code (k / 5) % 3} frames the degraded 256 px face
 * as the deployment matrix does: whole 256 px, whole 160 px, or the 112 px ArcFace-style crop (seed
 * {@value #SEED_BASE}{@code  + id}). For each face it records the true radius of gyration of the kernel at that
 * geometry's scale (0 for sharp), and the PSNR of the input and of the model's output (with
 * {@code sharpFaces(DEBLUR)}) against the equally framed sharp face, both quantised to 8 bits. Then it fits the
 * extent model (least squares on {@code ln(1 + r_g)}) and the severity model (logistic regression on "the model
 * gains at least 0.5 dB"), prints two-fold cross-validated Spearman and ROC AUC (overall and per geometry), the
 * mean PSNR with the pass-through policy at several thresholds, and writes the constants.
 *
 * <pre>
 * java -cp smfd-cli/target/smfd-cli.jar io.smfd.eval.AssessmentCalibration [--data DIR] [--step 5]
 *     [--model FILE.onnx] [--backend onnx] [--threads 2] [--cache target/assessment-calibration.csv]
 *     [--write smfd-model/src/main/resources/io/smfd/model/smfd-unet.assess.json]
 * </pre>
 * The cache (the model's PSNR per face) lets the fit be rerun after a feature change without rerunning the model;
 * it is keyed by face, condition and geometry, and must be deleted when the model changes.
 */
public final class AssessmentCalibration {

    /** First training id used. */
    public static final int FIRST_ID = 0;
    /** Last training id used (4300..4499 stay for the training's validation). */
    public static final int LAST_ID = 4299;
    /** Seed of face {@code i} is {@code SEED_BASE + i} (different from the evaluation's). */
    public static final long SEED_BASE = 31_000_000L;
    /** The gain that labels a face "worth deblurring", dB. */
    public static final double GAIN_DB = 0.5;
    /** Ridge penalty of the logistic regression (not on the intercept). */
    static double RIDGE = 1e-3;

    /**
     * The mild calibration set: camera shake on small kernels (9..13 px) or Gaussian blur with sigma
     * 0.3..1.2, no rescaling, noise or JPEG.
     */
    public static final DegradationPipeline MILD = DegradationPipeline.builder()
            .familyWeights(0.5, 0, 0.5, 0)
            .range(Parameter.TRAJECTORY_SIZE, Range.of(9, 13, 2))
            .range(Parameter.GAUSSIAN_SIGMA, Range.of(0.3, 1.2, 0.1))
            .scaleProbability(0).noiseProbability(0).jpegProbability(0)
            .build();

    /**
     * Linear motion as in the deployment matrix (5..17 px at 256 px, random angle), half of the faces with
     * Gaussian noise 5/255 and JPEG 75.
     */
    public static final DegradationPipeline MOTION = DegradationPipeline.builder()
            .familyWeights(0, 1, 0, 0)
            .range(Parameter.LINEAR_LENGTH, Range.of(5, 17, 1))
            .scaleProbability(0).noiseProbability(0.5).gaussianNoiseProbability(1)
            .range(Parameter.GAUSSIAN_NOISE_SIGMA, Range.fixed(DeploymentMatrix.NOISE_SIGMA))
            .jpegProbability(0.5).range(Parameter.JPEG_QUALITY, Range.fixed(DeploymentMatrix.JPEG_QUALITY))
            .build();

    /** Conditions of a calibration face. */
    enum Condition { DEFAULT, SHARP, MILD, MOTION }

    /** One calibration face. */
    record Sample(int id, Condition condition, DeploymentMatrix.Geometry geometry, double rg, double psnrIn,
                  double psnrSmfd, double[] features) {
        double gain() {
            return psnrSmfd - psnrIn;
        }

        boolean positive() {
            return gain() >= GAIN_DB;
        }
    }

    private AssessmentCalibration() {
    }

    /**
     * Runs the calibration.
     *
     * @param args see the class comment
     * @throws Exception on I/O or backend errors
     */
    public static void main(String[] args) throws Exception {
        Path data = FaceDataset.locate().orElse(Path.of("../shared/data/celebamask-hq-mini"));
        int step = 5;
        String backend = "auto";
        int threads = 2;
        Path cache = Path.of("target/assessment-calibration.csv");
        Path model = null;
        Path write = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--step" -> step = Integer.parseInt(args[++i]);
                case "--backend" -> backend = args[++i];
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--cache" -> cache = Path.of(args[++i]);
                case "--model" -> model = Path.of(args[++i]);
                case "--write" -> write = Path.of(args[++i]);
                case "--ridge" -> RIDGE = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Sample> samples = collect(new FaceDataset(data, "train"), step, backend, model, threads, cache, System.err);
        Fit fit = fitAndReport(samples, System.out);
        if (write != null) {
            String sha = model == null ? null : sha256(Files.readAllBytes(model));
            String command = "java -cp smfd-cli/target/smfd-cli.jar io.smfd.eval.AssessmentCalibration --step " + step
                    + (model == null ? "" : " --model " + model.getFileName()) + " --write " + write.getFileName();
            writeCalibration(write, fit, samples.size(), step, sha, command);
            System.out.println("wrote " + write);
        }
    }

    private static String sha256(byte[] data) throws java.security.NoSuchAlgorithmException {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    }

    static Condition conditionOf(int index) {
        return switch (index % 5) {
            case 2 -> Condition.SHARP;
            case 3 -> Condition.MILD;
            case 4 -> Condition.MOTION;
            default -> Condition.DEFAULT;
        };
    }

    static DeploymentMatrix.Geometry geometryOf(int index) {
        return DeploymentMatrix.Geometry.values()[(index / 5) % 3];
    }

    /** Scale of a geometry relative to the 256 px face (the 112 px crop frames 144 px of it). */
    static double scaleOf(DeploymentMatrix.Geometry g) {
        return switch (g) {
            case WHOLE_256 -> 1.0;
            case WHOLE_160 -> 160.0 / 256;
            case CROP_112 -> 112.0 / (io.smfd.identity.MobileFace.BOX_256.get(2) - io.smfd.identity.MobileFace.BOX_256.get(0));
        };
    }

    /** The cached line of face {@code id} when it was measured under condition {@code c} and geometry {@code g}. */
    private static double[] cacheHit(Map<Integer, double[]> cached, int id, Condition c, DeploymentMatrix.Geometry g) {
        double[] hit = cached.get(id);
        return hit != null && hit[1] == c.ordinal() && hit[2] == g.ordinal() ? hit : null;
    }

    /** Indices of the samples under condition {@code c}, ascending. */
    private static List<Integer> indicesOf(List<Sample> samples, Condition c) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).condition() == c) {
                idx.add(i);
            }
        }
        return idx;
    }

    static List<Sample> collect(FaceDataset ds, int step, String backend, Path model, int threads, Path cache,
                                PrintStream log) throws Exception {
        Map<Integer, double[]> cached = readCache(cache);
        List<Integer> ids = new ArrayList<>();
        for (int id = FIRST_ID; id <= LAST_ID; id += step) {
            ids.add(id);
        }
        boolean needSmfd = false;
        for (int k = 0; k < ids.size(); k++) {
            needSmfd |= cacheHit(cached, ids.get(k), conditionOf(k), geometryOf(k)) == null;
        }
        Deblurrer d = null;
        if (needSmfd) {
            Deblurrer.Builder b = Deblurrer.builder().sharpFaces(SharpFacePolicy.DEBLUR)
                    .threads(Math.max(1, Runtime.getRuntime().availableProcessors() / threads));
            if (!backend.equals("auto")) {
                b.backend(backend);
            }
            if (model != null) {
                b.model(model);
            }
            d = b.build();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Sample>> futures = new ArrayList<>();
            final Deblurrer deb = d;
            for (int k = 0; k < ids.size(); k++) {
                int id = ids.get(k);
                Condition c = conditionOf(k);
                DeploymentMatrix.Geometry g = geometryOf(k);
                double[] psnr = cacheHit(cached, id, c, g);
                futures.add(pool.submit(() -> sample(ds, id, c, g, deb, psnr)));
            }
            List<Sample> out = new ArrayList<>();
            for (int k = 0; k < futures.size(); k++) {
                out.add(futures.get(k).get());
                if ((k + 1) % 50 == 0) {
                    log.printf(Locale.ROOT, "[calibration] %d/%d faces%n", k + 1, futures.size());
                }
            }
            writeCache(cache, out);
            return out;
        } finally {
            pool.shutdownNow();
            if (d != null) {
                d.close();
            }
        }
    }

    static Sample sample(FaceDataset ds, int id, Condition c, DeploymentMatrix.Geometry g, Deblurrer d,
                         double[] cachedPsnr) throws IOException {
        FaceImage sharp256 = Evaluation.quantise8(ds.image(id));
        FaceImage sharp = g.frame(sharp256);
        FaceImage input;
        double rg;
        if (c == Condition.SHARP) {
            input = sharp;
            rg = 0;
        } else {
            DegradationPipeline p = switch (c) {
                case MILD -> MILD;
                case MOTION -> MOTION;
                default -> DegradationPipeline.defaults();
            };
            Degradation deg = p.sample(SEED_BASE + id);
            rg = Evaluation.radiusOfGyration(deg.kernel(), deg.kernelSize()) * scaleOf(g);
            input = g.frame(Evaluation.quantise8(deg.applyTo(sharp256)));
        }
        double psnrIn = Math.min(ImageMetrics.PSNR_CAP_DB, ImageMetrics.psnrRgb(input, sharp));
        double psnrSmfd;
        if (cachedPsnr != null) {
            psnrSmfd = cachedPsnr[0];
        } else {
            FaceImage out = Evaluation.quantise8(d.deblur(input));
            psnrSmfd = Math.min(ImageMetrics.PSNR_CAP_DB, ImageMetrics.psnrRgb(out, sharp));
        }
        return new Sample(id, c, g, rg, psnrIn, psnrSmfd, AssessmentFeatures.features(input));
    }

    private static Map<Integer, double[]> readCache(Path cache) throws IOException {
        Map<Integer, double[]> m = new HashMap<>();
        if (cache != null && Files.isRegularFile(cache)) {
            for (String line : Files.readAllLines(cache, StandardCharsets.UTF_8)) {
                if (line.startsWith("id")) {
                    continue;
                }
                String[] f = line.split(",");
                if (f.length != 6) {
                    continue; // an older cache without the geometry
                }
                m.put(Integer.parseInt(f[0]), new double[] {Double.parseDouble(f[5]), Condition.valueOf(f[1]).ordinal(),
                        DeploymentMatrix.Geometry.valueOf(f[2]).ordinal()});
            }
        }
        return m;
    }

    private static void writeCache(Path cache, List<Sample> samples) throws IOException {
        if (cache == null) {
            return;
        }
        StringBuilder sb = new StringBuilder("id,condition,geometry,rg,psnr_in,psnr_smfd\n");
        for (Sample s : samples) {
            sb.append(String.format(Locale.ROOT, "%d,%s,%s,%.6f,%.6f,%.6f%n", s.id(), s.condition(), s.geometry(),
                    s.rg(), s.psnrIn(), s.psnrSmfd()));
        }
        if (cache.getParent() != null) {
            Files.createDirectories(cache.getParent());
        }
        Files.writeString(cache, sb.toString(), StandardCharsets.UTF_8);
    }

    /** The fitted constants and their cross-validated accuracy. */
    record Fit(double[] extentWeights, double[] severityWeights, double spearman, double auc,
               Map<String, double[]> byGeometry, double sharpPassed) {
    }

    static Fit fitAndReport(List<Sample> samples, PrintStream out) {
        int n = samples.size();
        double[][] x = new double[n][];
        double[] yExtent = new double[n];
        boolean[] label = new boolean[n];
        for (int i = 0; i < n; i++) {
            x[i] = samples.get(i).features();
            yExtent[i] = Math.log1p(samples.get(i).rg());
            label[i] = samples.get(i).positive();
        }
        long pos = Arrays.stream(samples.toArray(new Sample[0])).filter(Sample::positive).count();
        out.printf(Locale.ROOT, "samples: %d (%d gain >= %.1f dB)%n", n, pos, GAIN_DB);
        // two-fold cross-validation: fit on even indices, predict odd, and vice versa
        double[] cvExtent = new double[n];
        double[] cvSeverity = new double[n];
        for (int fold = 0; fold < 2; fold++) {
            List<Integer> train = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (i % 2 != fold) {
                    train.add(i);
                }
            }
            double[] we = leastSquares(sub(x, train), sub(yExtent, train));
            double[] ws = logistic(sub(x, train), sub(label, train), RIDGE);
            for (int i = fold; i < n; i += 2) {
                BlurAssessment a = AssessmentFeatures.assess(x[i], we, ws);
                cvExtent[i] = a.extentPixels();
                cvSeverity[i] = a.severity();
            }
        }
        double[] rg = samples.stream().mapToDouble(Sample::rg).toArray();
        double spearman = AssessmentStats.spearman(cvExtent, rg);
        double auc = AssessmentStats.rocAuc(cvSeverity, label);
        out.printf(Locale.ROOT, "2-fold CV: Spearman(extent, r_g) = %.3f, ROC AUC(severity, gain >= %.1f dB) = %.3f%n",
                spearman, GAIN_DB, auc);
        Map<String, double[]> byGeometry = new java.util.LinkedHashMap<>();
        int sharpN = 0;
        int sharpPassed = 0;
        for (DeploymentMatrix.Geometry g : DeploymentMatrix.Geometry.values()) {
            List<Integer> idx = new ArrayList<>();
            int missed = 0;
            int positives = 0;
            for (int i = 0; i < n; i++) {
                Sample s = samples.get(i);
                if (s.geometry() != g) {
                    continue;
                }
                idx.add(i);
                if (s.positive()) {
                    positives++;
                    missed += cvSeverity[i] < BlurAssessment.THRESHOLD ? 1 : 0;
                }
                if (s.condition() == Condition.SHARP) {
                    sharpN++;
                    sharpPassed += cvSeverity[i] < BlurAssessment.THRESHOLD ? 1 : 0;
                }
            }
            if (idx.isEmpty()) {
                continue;
            }
            double gAuc = AssessmentStats.rocAuc(sub(cvSeverity, idx), sub(label, idx));
            double gSp = AssessmentStats.spearman(sub(cvExtent, idx), sub(rg, idx));
            double missedShare = positives == 0 ? 0 : (double) missed / positives;
            byGeometry.put(g.key(), new double[] {idx.size(), gAuc, gSp, missedShare});
            out.printf(Locale.ROOT, "  %-8s %3d faces: AUC %.3f, Spearman %.3f, gainers passed through %.1f%%%n",
                    g.key(), idx.size(), gAuc, gSp, 100 * missedShare);
        }
        double sharpShare = sharpN == 0 ? Double.NaN : (double) sharpPassed / sharpN;
        out.printf(Locale.ROOT, "  sharp faces passed through (CV): %d/%d%n", sharpPassed, sharpN);
        List<Integer> defaults = indicesOf(samples, Condition.DEFAULT);
        out.printf(Locale.ROOT, "  default set only: Spearman %.3f, AUC %.3f%n", AssessmentStats.spearman(sub(cvExtent, defaults),
                sub(rg, defaults)), AssessmentStats.rocAuc(sub(cvSeverity, defaults), sub(label, defaults)));
        for (Condition c : Condition.values()) {
            List<Integer> idx = indicesOf(samples, c);
            out.printf(Locale.ROOT, "  %-7s %3d faces: mean severity %.3f, mean extent %.2f (true %.2f), mean gain %+.2f dB%n",
                    c, idx.size(), mean(sub(cvSeverity, idx)), mean(sub(cvExtent, idx)), mean(sub(rg, idx)),
                    mean(idx.stream().mapToDouble(i -> samples.get(i).gain()).toArray()));
        }
        double[] we = leastSquares(x, yExtent);
        double[] ws = logistic(x, label, RIDGE);
        out.println("Pass-through threshold (cross-validated severities; PSNR capped at "
                + ImageMetrics.PSNR_CAP_DB + " dB):");
        for (double t : new double[] {0.2, 0.3, 0.4, 0.5, 0.6, 0.7}) {
            double on = 0;
            double off = 0;
            double onBlurred = 0;
            double offBlurred = 0;
            int blurred = 0;
            int passed = 0;
            for (int i = 0; i < n; i++) {
                Sample s = samples.get(i);
                double p = cvSeverity[i] >= t ? s.psnrSmfd() : s.psnrIn();
                passed += cvSeverity[i] >= t ? 0 : 1;
                on += p;
                off += s.psnrSmfd();
                if (s.condition() != Condition.SHARP) {
                    onBlurred += p;
                    offBlurred += s.psnrSmfd();
                    blurred++;
                }
            }
            out.printf(Locale.ROOT, "  t=%.1f: passed %d/%d; mean PSNR all %.3f (policy off %.3f); without sharp %.3f (off %.3f)%n",
                    t, passed, n, on / n, off / n, onBlurred / blurred, offBlurred / blurred);
        }
        out.println("static final double[] EXTENT_WEIGHTS = {" + javaArray(we) + "};");
        out.println("static final double[] SEVERITY_WEIGHTS = {" + javaArray(ws) + "};");
        return new Fit(we, ws, spearman, auc, byGeometry, sharpShare);
    }

    /**
     * Writes a calibration file ({@code smfd-assess/1}) that {@code Deblurrer} reads beside its model. The text
     * depends only on its inputs (no date), so a rerun on the same data writes the same bytes.
     */
    static void writeCalibration(Path file, Fit fit, int faces, int step, String modelSha256, String command)
            throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"format\": \"smfd-assess/1\",\n");
        sb.append("  \"features\": ").append(fit.extentWeights().length).append(",\n");
        sb.append(String.format(Locale.ROOT, "  \"fitted\": \"fitted on %d training faces (train/ %d..%d step %d)%s\",%n",
                faces, FIRST_ID, LAST_ID, step, modelSha256 == null ? " for the bundled model"
                        : " for the model with sha256 " + modelSha256.substring(0, 12)));
        if (modelSha256 != null) {
            sb.append("  \"model_sha256\": \"").append(modelSha256).append("\",\n");
        }
        sb.append("  \"command\": \"").append(command.replace("\\", "/").replace("\"", "'")).append("\",\n");
        sb.append("  \"metrics\": {");
        sb.append(String.format(Locale.ROOT, "\"cv_roc_auc_gain_0.5dB\": %.4f, \"cv_spearman_extent\": %.4f, "
                + "\"cv_sharp_passed_through\": %.4f", fit.auc(), fit.spearman(), fit.sharpPassed()));
        for (Map.Entry<String, double[]> e : fit.byGeometry().entrySet()) {
            double[] v = e.getValue();
            sb.append(String.format(Locale.ROOT, ", \"%s\": {\"faces\": %d, \"cv_roc_auc\": %.4f, \"cv_spearman\": %.4f,"
                    + " \"cv_gainers_passed_through\": %.4f}", e.getKey(), (int) v[0], v[1], v[2], v[3]));
        }
        sb.append("},\n");
        sb.append("  \"extent_weights\": [").append(jsonArray(fit.extentWeights())).append("],\n");
        sb.append("  \"severity_weights\": [").append(jsonArray(fit.severityWeights())).append("]\n}\n");
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String jsonArray(double[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Double.toString(w[i]));
        }
        return sb.toString();
    }

    static String javaArray(double[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", w[i]));
        }
        return sb.toString();
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double[][] sub(double[][] x, List<Integer> idx) {
        return idx.stream().map(i -> x[i]).toArray(double[][]::new);
    }

    private static double[] sub(double[] x, List<Integer> idx) {
        return idx.stream().mapToDouble(i -> x[i]).toArray();
    }

    private static boolean[] sub(boolean[] x, List<Integer> idx) {
        boolean[] out = new boolean[idx.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[idx.get(i)];
        }
        return out;
    }

    /**
     * Ordinary least squares with a tiny ridge (1e-8 on the non-intercept terms) for numerical safety.
     *
     * @param x rows of features, first column the constant 1
     * @param y targets
     * @return weights
     */
    static double[] leastSquares(double[][] x, double[] y) {
        int p = x[0].length;
        double[][] a = new double[p][p];
        double[] b = new double[p];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < p; j++) {
                b[j] += x[i][j] * y[i];
                for (int k = 0; k < p; k++) {
                    a[j][k] += x[i][j] * x[i][k];
                }
            }
        }
        for (int j = 1; j < p; j++) {
            a[j][j] += 1e-8 * x.length;
        }
        return solve(a, b);
    }

    /**
     * L2-regularised logistic regression by Newton's method (IRLS).
     *
     * @param x     rows of features, first column the constant 1
     * @param y     labels
     * @param ridge penalty on the non-intercept weights, per sample
     * @return weights of the logit
     */
    static double[] logistic(double[][] x, boolean[] y, double ridge) {
        int p = x[0].length;
        double[] w = new double[p];
        for (int iter = 0; iter < 100; iter++) {
            double[][] h = new double[p][p];
            double[] g = new double[p];
            for (int i = 0; i < x.length; i++) {
                double z = 0;
                for (int j = 0; j < p; j++) {
                    z += w[j] * x[i][j];
                }
                double prob = 1 / (1 + Math.exp(-z));
                double r = (y[i] ? 1 : 0) - prob;
                double v = Math.max(prob * (1 - prob), 1e-9);
                for (int j = 0; j < p; j++) {
                    g[j] += r * x[i][j];
                    for (int k = 0; k < p; k++) {
                        h[j][k] += v * x[i][j] * x[i][k];
                    }
                }
            }
            for (int j = 1; j < p; j++) {
                g[j] -= ridge * x.length * w[j];
                h[j][j] += ridge * x.length;
            }
            double[] step = solve(h, g);
            double max = 0;
            for (int j = 0; j < p; j++) {
                w[j] += step[j];
                max = Math.max(max, Math.abs(step[j]));
            }
            if (max < 1e-10) {
                break;
            }
        }
        return w;
    }

    /** Solves {@code a x = b} by Gaussian elimination with partial pivoting (a and b are overwritten). */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
                    piv = r;
                }
            }
            double[] t = a[c];
            a[c] = a[piv];
            a[piv] = t;
            double tb = b[c];
            b[c] = b[piv];
            b[piv] = tb;
            if (a[c][c] == 0) {
                throw new ArithmeticException("singular system");
            }
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                }
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }
}

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
 * {@link BlurFeatures}) to one model, on <b>training</b> faces only ({@code train/images}, ids
 * {@value #FIRST_ID}..{@value #LAST_ID} in steps of {@code --step}; the held-out {@code eval/} faces are never
 * read), and writes them as the model's calibration file ({@code --write}, format {@code smfd-assess/1}: beside
 * a model file as {@code <name>.assess.json}, or {@code smfd-model/.../smfd-unet.assess.json} for the bundled
 * model, which {@code training/run_stage.py --ship} does).
 *
 * <p><b>Samples.</b> Labelled faces (ids in steps of {@code --step}, the model run on each), round robin over
 * their index {@code k}: {@code k % 6} = 0 one of the default degradations ({@code DegradationPipeline.defaults()},
 * seed {@value #SEED_BASE}{@code  + id}), 1 mild ({@link #MILD}), 2..5 a deployment-matrix input: the matrix's
 * blurs ({@link DeploymentMatrix#blurs()}, clean or with noise and JPEG, seed {@value #SEED_BASE}{@code  + 1000 b
 * + id}) in turn, each visiting the three geometries (whole 256 px, whole 160 px, 112 px ArcFace-style crop, framed
 * as the matrix frames them). Sharp faces (ids in steps of {@code --sharp-step}) at all three geometries, without a
 * model run (their input is the reference itself, capped at 100 dB, which no output reaches). For each sample: the
 * true radius of gyration at the geometry's scale, the PSNR of input and forced output against the equally framed
 * sharp face (8-bit), and the features over {@link #FIT_REGION}.
 *
 * <p><b>Fit</b> ({@link #fitAndReport}): severity = ridge logistic regression of degraded against sharp, then
 * per-size logit offsets ({@link #OFFSET_SIZES}) that pass {@link #SHARP_PASS} of the sharp training faces of
 * that geometry (from two-fold cross-validated logits), and a noise gate on the colour noise
 * ({@link #GATE_FEATURE}) above the {@link #GATE_QUANTILE} quantile of the sharp faces; extent = weighted ridge
 * least squares on {@code ln(1 + r_g)}. It prints two-fold cross-validated figures per geometry (sharp faces
 * passed through; matrix inputs "missed": passed through although the model gains at least 0.5 dB, overall and
 * in the worst cell), ROC AUC and Spearman, and writes them into the calibration file's {@code "metrics"}.
 *
 * <pre>
 * java -cp smfd-cli/target/smfd-cli.jar io.smfd.eval.AssessmentCalibration [--data DIR] [--step 2]
 *     [--sharp-step 2] [--model FILE.onnx] [--backend onnx] [--threads 2] [--cache target/assessment-calibration.csv]
 *     [--features-csv FILE] [--gate-feature 27] [--gate-quantile 0.999] [--sharp-pass 0.995] [--write smfd-model/src/main/resources/io/smfd/model/smfd-unet.assess.json]
 * </pre>
 * The cache (the model's PSNR per face) lets the fit be rerun after a feature change without rerunning the model;
 * it is keyed by face, condition, geometry and matrix cell, and must be deleted when the model changes.
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
    enum Condition { DEFAULT, SHARP, MILD, MOTION, MATRIX }

    /**
     * One calibration face.
     *
     * @param cell for {@link Condition#MATRIX}, {@code 2 * blur index + noisy} of {@link DeploymentMatrix#blurs()};
     *             else -1
     * @param psnrSmfd the model's output PSNR, or NaN for sharp faces, where the model is not run (the input is
     *                 the reference itself, capped at {@link ImageMetrics#PSNR_CAP_DB} dB, which no output reaches)
     */
    record Sample(int id, Condition condition, DeploymentMatrix.Geometry geometry, int cell, double rg,
                  double psnrIn, double psnrSmfd, double[] features) {
        double gain() {
            return condition == Condition.SHARP && Double.isNaN(psnrSmfd) ? Double.NEGATIVE_INFINITY : psnrSmfd - psnrIn;
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
        int sharpStep = 2;
        Path featuresCsv = null;
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
                case "--gate-feature" -> GATE_FEATURE = Integer.parseInt(args[++i]);
                case "--gate-quantile" -> GATE_QUANTILE = Double.parseDouble(args[++i]);
                case "--sharp-pass" -> SHARP_PASS = Double.parseDouble(args[++i]);
                case "--sharp-step" -> sharpStep = Integer.parseInt(args[++i]);
                case "--features-csv" -> featuresCsv = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Sample> samples = collect(new FaceDataset(data, "train"), step, sharpStep, backend, model, threads, cache,
                System.err);
        if (featuresCsv != null) {
            writeFeatures(featuresCsv, samples);
            System.err.println("wrote " + featuresCsv);
        }
        Fit fit = fitAndReport(samples, step, System.out);
        if (write != null) {
            String sha = model == null ? null : sha256(Files.readAllBytes(model));
            String command = "java -cp smfd-cli/target/smfd-cli.jar io.smfd.eval.AssessmentCalibration --step " + step
                    + " --sharp-step " + sharpStep + (model == null ? "" : " --model " + model.getFileName()) + " --write "
                    + write.getFileName();
            writeCalibration(write, fit, samples.size(), step, sharpStep, sha, command);
            System.out.println("wrote " + write);
        }
    }

    private static String sha256(byte[] data) throws java.security.NoSuchAlgorithmException {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Condition of the {@code k}-th labelled face: default, mild, then four matrix faces, round robin. */
    static Condition conditionOf(int k) {
        return switch (k % 6) {
            case 0 -> Condition.DEFAULT;
            case 1 -> Condition.MILD;
            default -> Condition.MATRIX;
        };
    }

    /** For a matrix face, its number among the matrix faces; else -1. */
    private static int matrixIndex(int k) {
        return conditionOf(k) == Condition.MATRIX ? (k / 6) * 4 + (k % 6 - 2) : -1;
    }

    /** The matrix cell ({@code 2 * blur + noisy}) of the {@code k}-th labelled face, or -1. */
    static int cellOf(int k) {
        int m = matrixIndex(k);
        return m < 0 ? -1 : m % (2 * DeploymentMatrix.blurs().size());
    }

    /** Geometry of the {@code k}-th labelled face: every matrix cell and set visits all three in turn. */
    static DeploymentMatrix.Geometry geometryOf(int k) {
        int m = matrixIndex(k);
        int turn = m < 0 ? k / 6 : m / (2 * DeploymentMatrix.blurs().size());
        return DeploymentMatrix.Geometry.values()[turn % 3];
    }

    /** Scale of a geometry relative to the 256 px face (the 112 px crop frames 144 px of it). */
    static double scaleOf(DeploymentMatrix.Geometry g) {
        return switch (g) {
            case WHOLE_256 -> 1.0;
            case WHOLE_160 -> 160.0 / 256;
            case CROP_112 -> 112.0 / (io.smfd.identity.MobileFace.BOX_256.get(2) - io.smfd.identity.MobileFace.BOX_256.get(0));
        };
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

    private static String key(int id, Condition c, DeploymentMatrix.Geometry g, int cell) {
        return id + "," + c + "," + g + "," + cell;
    }

    /** One sample to compute. */
    private record Job(int id, Condition c, DeploymentMatrix.Geometry g, int cell) {
    }

    /**
     * Computes the samples: the labelled faces ({@code train/} ids in steps of {@code step}, one condition and
     * geometry each, the model run on each) and the sharp faces (ids in steps of {@code sharpStep}, each at all
     * three geometries, the model not run).
     */
    static List<Sample> collect(FaceDataset ds, int step, int sharpStep, String backend, Path model, int threads,
                                Path cache, PrintStream log) throws Exception {
        Map<String, Double> cached = readCache(cache);
        List<Job> jobs = new ArrayList<>();
        int k = 0;
        for (int id = FIRST_ID; id <= LAST_ID; id += step, k++) {
            jobs.add(new Job(id, conditionOf(k), geometryOf(k), cellOf(k)));
        }
        if (sharpStep > 0) {
            for (int id = FIRST_ID; id <= LAST_ID; id += sharpStep) {
                for (DeploymentMatrix.Geometry g : DeploymentMatrix.Geometry.values()) {
                    jobs.add(new Job(id, Condition.SHARP, g, -1));
                }
            }
        }
        boolean needSmfd = false;
        for (Job j : jobs) {
            needSmfd |= j.c() != Condition.SHARP && !cached.containsKey(key(j.id(), j.c(), j.g(), j.cell()));
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
            for (Job j : jobs) {
                Double psnr = cached.get(key(j.id(), j.c(), j.g(), j.cell()));
                futures.add(pool.submit(() -> sample(ds, j.id(), j.c(), j.g(), j.cell(), deb, psnr)));
            }
            List<Sample> out = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                out.add(futures.get(i).get());
                if ((i + 1) % 200 == 0) {
                    log.printf(Locale.ROOT, "[calibration] %d/%d samples%n", i + 1, futures.size());
                }
                if ((i + 1) % 500 == 0) {
                    writeCache(cache, out); // a long run that is stopped keeps what it measured
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

    static Sample sample(FaceDataset ds, int id, Condition c, DeploymentMatrix.Geometry g, int cell, Deblurrer d,
                         Double cachedPsnr) throws IOException {
        FaceImage sharp256 = Evaluation.quantise8(ds.image(id));
        FaceImage sharp = g.frame(sharp256);
        FaceImage input;
        double rg;
        if (c == Condition.SHARP) {
            return new Sample(id, c, g, -1, 0, ImageMetrics.PSNR_CAP_DB, Double.NaN, BlurFeatures.features(sharp, FIT_REGION));
        }
        Degradation deg;
        if (c == Condition.MATRIX) {
            DeploymentMatrix.Blur blur = DeploymentMatrix.blurs().get(cell / 2);
            deg = (cell % 2 == 1 ? blur.noisy() : blur.clean()).sample(SEED_BASE + 1000L * blur.index() + id);
        } else {
            DegradationPipeline p = switch (c) {
                case MILD -> MILD;
                case MOTION -> MOTION;
                default -> DegradationPipeline.defaults();
            };
            deg = p.sample(SEED_BASE + id);
        }
        rg = Evaluation.radiusOfGyration(deg.kernel(), deg.kernelSize()) * scaleOf(g);
        input = g.frame(Evaluation.quantise8(deg.applyTo(sharp256)));
        double psnrIn = Math.min(ImageMetrics.PSNR_CAP_DB, ImageMetrics.psnrRgb(input, sharp));
        double psnrSmfd;
        if (cachedPsnr != null) {
            psnrSmfd = cachedPsnr;
        } else {
            FaceImage out = Evaluation.quantise8(d.deblur(input));
            psnrSmfd = Math.min(ImageMetrics.PSNR_CAP_DB, ImageMetrics.psnrRgb(out, sharp));
        }
        return new Sample(id, c, g, cell, rg, psnrIn, psnrSmfd, BlurFeatures.features(input, FIT_REGION));
    }

    private static Map<String, Double> readCache(Path cache) throws IOException {
        Map<String, Double> m = new HashMap<>();
        if (cache != null && Files.isRegularFile(cache)) {
            for (String line : Files.readAllLines(cache, StandardCharsets.UTF_8)) {
                String[] f = line.split(",");
                if (line.startsWith("id") || f.length != 7) {
                    continue; // the header, or an older cache without the matrix cell
                }
                m.put(key(Integer.parseInt(f[0]), Condition.valueOf(f[1]), DeploymentMatrix.Geometry.valueOf(f[2]),
                        Integer.parseInt(f[3])), Double.parseDouble(f[6]));
            }
        }
        return m;
    }

    private static void writeCache(Path cache, List<Sample> samples) throws IOException {
        if (cache == null) {
            return;
        }
        StringBuilder sb = new StringBuilder("id,condition,geometry,cell,rg,psnr_in,psnr_smfd\n");
        for (Sample s : samples) {
            if (s.condition() == Condition.SHARP) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%d,%s,%s,%d,%.6f,%.6f,%.6f%n", s.id(), s.condition(), s.geometry(),
                    s.cell(), s.rg(), s.psnrIn(), s.psnrSmfd()));
        }
        if (cache.getParent() != null) {
            Files.createDirectories(cache.getParent());
        }
        Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Writes every sample with its features (for analysis outside Java). */
    static void writeFeatures(Path file, List<Sample> samples) throws IOException {
        StringBuilder sb = new StringBuilder("id,condition,geometry,cell,rg,psnr_in,psnr_smfd");
        for (int i = 0; i < BlurFeatures.FEATURES; i++) {
            sb.append(",f").append(i);
        }
        sb.append('\n');
        for (Sample s : samples) {
            sb.append(String.format(Locale.ROOT, "%d,%s,%s,%d,%.6f,%.6f,%.6f", s.id(), s.condition(), s.geometry(),
                    s.cell(), s.rg(), s.psnrIn(), s.psnrSmfd()));
            for (double v : s.features()) {
                sb.append(',').append(Double.toString(v));
            }
            sb.append('\n');
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    /** The fitted constants and their cross-validated accuracy. */
    record Fit(double[] extentWeights, double[] severityWeights, double[] offsetLogits, double gateLevel,
               Map<String, Double> metrics, Map<String, double[]> byGeometry) {
    }

    /** Crop widths of the three geometries, ascending, for the severity offsets. */
    static final double[] OFFSET_SIZES = {112, 160, 256};

    private static DeploymentMatrix.Geometry geometryOfSize(double size) {
        return size == 112 ? DeploymentMatrix.Geometry.CROP_112
                : size == 160 ? DeploymentMatrix.Geometry.WHOLE_160 : DeploymentMatrix.Geometry.WHOLE_256;
    }

    /** Cross-validation fold of a face: alternate faces in the order they were drawn. */
    private static int fold(Sample s, int step) {
        return (s.id() / step) % 2;
    }

    /**
     * Fits the two models and the size offsets, reports two-fold cross-validated figures, and returns the fit on
     * all samples.
     *
     * <p>Severity: ridge logistic regression (on standardised features, penalty {@link #RIDGE}) of "degraded"
     * (every non-sharp sample) against "sharp", the sharp samples weighted to the same total as the degraded ones;
     * then, per geometry, the logit offset that puts {@link #SHARP_PASS} of the sharp faces' cross-validated logits
     * below 0 (so they are passed through). Extent: weighted ridge least squares on {@code ln(1 + r_g)}, sharp
     * samples weighted {@link #SHARP_EXTENT_WEIGHT} in total relative to the degraded ones.
     */
    static Fit fitAndReport(List<Sample> samples, int step, PrintStream out) {
        int n = samples.size();
        double[][] x = new double[n][];
        double[] yExtent = new double[n];
        boolean[] degraded = new boolean[n];
        boolean[] gainer = new boolean[n];
        int nSharp = 0;
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            x[i] = s.features();
            yExtent[i] = Math.log1p(s.rg());
            degraded[i] = s.condition() != Condition.SHARP;
            gainer[i] = s.positive();
            nSharp += degraded[i] ? 0 : 1;
        }
        int nDeg = n - nSharp;
        double[] wSeverity = new double[n];
        double[] wExtent = new double[n];
        for (int i = 0; i < n; i++) {
            wSeverity[i] = degraded[i] ? 1 : (double) nDeg / Math.max(1, nSharp);
            wExtent[i] = degraded[i] ? 1 : SHARP_EXTENT_WEIGHT * nDeg / Math.max(1, nSharp);
        }
        out.printf(Locale.ROOT, "samples: %d (%d degraded, %d gain >= %.1f dB; %d sharp)%n", n, nDeg,
                countTrue(gainer), GAIN_DB, nSharp);
        double[] cvLogit = new double[n];
        double[] cvExtent = new double[n];
        for (int f = 0; f < 2; f++) {
            List<Integer> train = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (fold(samples.get(i), step) != f) {
                    train.add(i);
                }
            }
            double[] ws = standardised(sub(x, train), xs -> logistic(xs, sub(degraded, train), sub(wSeverity, train), RIDGE));
            double[] we = standardised(sub(x, train), xs -> leastSquares(xs, sub(yExtent, train), sub(wExtent, train), RIDGE));
            for (int i = 0; i < n; i++) {
                if (fold(samples.get(i), step) == f) {
                    cvLogit[i] = dot(x[i], ws);
                    cvExtent[i] = BlurFeatures.assess(x[i], we, ws).extentPixels();
                }
            }
        }
        double[] offsets = new double[OFFSET_SIZES.length];
        for (int k = 0; k < OFFSET_SIZES.length; k++) {
            DeploymentMatrix.Geometry g = geometryOfSize(OFFSET_SIZES[k]);
            List<Double> sharpLogits = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!degraded[i] && samples.get(i).geometry() == g) {
                    sharpLogits.add(cvLogit[i]);
                }
            }
            offsets[k] = sharpLogits.isEmpty() ? 0 : -quantile(sharpLogits, SHARP_PASS);
        }
        List<Double> sharpColour = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!degraded[i]) {
                sharpColour.add(x[i][GATE_FEATURE]);
            }
        }
        double gateLevel = sharpColour.isEmpty() ? Double.MAX_VALUE : quantile(sharpColour, GATE_QUANTILE);
        double[] cvSeverity = new double[n];
        boolean[] passed = new boolean[n];
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            double z = cvLogit[i] + offsets[indexOfSize(s.geometry())]
                    + GATE_SLOPE * Math.max(0, x[i][GATE_FEATURE] - gateLevel);
            cvSeverity[i] = 1 / (1 + Math.exp(-z));
            passed[i] = cvSeverity[i] < BlurAssessment.THRESHOLD;
        }
        double[] rg = samples.stream().mapToDouble(Sample::rg).toArray();
        List<Integer> matrix = indicesOf(samples, Condition.MATRIX);
        List<Integer> matrixAndSharp = new ArrayList<>(matrix);
        matrixAndSharp.addAll(indicesOf(samples, Condition.SHARP));
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        metrics.put("cv_matrix_roc_auc_gain_0.5dB", AssessmentStats.rocAuc(sub(cvSeverity, matrix), sub(gainer, matrix)));
        metrics.put("cv_matrix_and_sharp_roc_auc_gain_0.5dB", AssessmentStats.rocAuc(sub(cvSeverity, matrixAndSharp),
                sub(gainer, matrixAndSharp)));
        metrics.put("cv_all_roc_auc_gain_0.5dB", AssessmentStats.rocAuc(cvSeverity, gainer));
        metrics.put("cv_matrix_spearman_extent", AssessmentStats.spearman(sub(cvExtent, matrix), sub(rg, matrix)));
        List<Integer> blurred = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (degraded[i]) {
                blurred.add(i);
            }
        }
        metrics.put("cv_degraded_spearman_extent", AssessmentStats.spearman(sub(cvExtent, blurred), sub(rg, blurred)));
        out.printf(Locale.ROOT, "2-fold CV: ROC AUC(severity, gain >= %.1f dB) matrix faces %.3f, matrix + sharp %.3f,"
                        + " all %.3f; Spearman(extent, r_g) matrix faces %.3f, all degraded %.3f%n", GAIN_DB,
                metrics.get("cv_matrix_roc_auc_gain_0.5dB"), metrics.get("cv_matrix_and_sharp_roc_auc_gain_0.5dB"),
                metrics.get("cv_all_roc_auc_gain_0.5dB"), metrics.get("cv_matrix_spearman_extent"),
                metrics.get("cv_degraded_spearman_extent"));
        Map<String, double[]> byGeometry = new java.util.LinkedHashMap<>();
        int cells = 2 * DeploymentMatrix.blurs().size();
        for (DeploymentMatrix.Geometry g : DeploymentMatrix.Geometry.values()) {
            int sharpN = 0;
            int sharpPassed = 0;
            int matrixN = 0;
            int missed = 0;
            int[] cellN = new int[cells];
            int[] cellMissed = new int[cells];
            for (int i = 0; i < n; i++) {
                Sample s = samples.get(i);
                if (s.geometry() != g) {
                    continue;
                }
                if (!degraded[i]) {
                    sharpN++;
                    sharpPassed += passed[i] ? 1 : 0;
                } else if (s.condition() == Condition.MATRIX) {
                    matrixN++;
                    boolean m = passed[i] && gainer[i];
                    missed += m ? 1 : 0;
                    cellN[s.cell()]++;
                    cellMissed[s.cell()] += m ? 1 : 0;
                }
            }
            double worst = 0;
            int worstCell = 0;
            int over = 0;
            for (int c = 0; c < cells; c++) {
                double share = cellN[c] == 0 ? 0 : (double) cellMissed[c] / cellN[c];
                over += share > 0.05 ? 1 : 0;
                if (share > worst) {
                    worst = share;
                    worstCell = c;
                }
            }
            double sharpShare = sharpN == 0 ? Double.NaN : (double) sharpPassed / sharpN;
            double missedShare = matrixN == 0 ? Double.NaN : (double) missed / matrixN;
            byGeometry.put(g.key(), new double[] {sharpN, sharpShare, matrixN, missedShare, worst, over});
            DeploymentMatrix.Blur wb = DeploymentMatrix.blurs().get(worstCell / 2);
            out.printf(Locale.ROOT, "  %-8s sharp passed %d/%d (%.1f%%); matrix faces %d: missed %.1f%%, worst cell %.0f%%"
                            + " (%s%s), cells over 5%%: %d (about %d faces a cell)%n", g.key(), sharpPassed, sharpN,
                    100 * sharpShare, matrixN, 100 * missedShare, 100 * worst, wb.label(), worstCell % 2 == 1
                            ? " + noise/JPEG" : "", over, matrixN / cells);
        }
        for (Condition c : Condition.values()) {
            List<Integer> idx = indicesOf(samples, c);
            if (idx.isEmpty()) {
                continue;
            }
            int p = 0;
            for (int i : idx) {
                p += passed[i] ? 1 : 0;
            }
            out.printf(Locale.ROOT, "  %-7s %4d faces: passed through %.1f%%, mean severity %.3f, mean extent %.2f (true"
                            + " %.2f)%n", c, idx.size(), 100.0 * p / idx.size(), mean(sub(cvSeverity, idx)),
                    mean(sub(cvExtent, idx)), mean(sub(rg, idx)));
        }
        out.printf(Locale.ROOT, "severity logit offsets at widths %s: %s; noise gate: feature %d above %.4f%n",
                Arrays.toString(OFFSET_SIZES), Arrays.toString(offsets), GATE_FEATURE, gateLevel);
        double[] ws = standardised(x, xs -> logistic(xs, degraded, wSeverity, RIDGE));
        double[] we = standardised(x, xs -> leastSquares(xs, yExtent, wExtent, RIDGE));
        return new Fit(we, ws, offsets, gateLevel, metrics, byGeometry);
    }

    /** The noise gate's feature: the colour noise ({@code ln(MAD of R-G and B-G + 0.1)}). */
    static int GATE_FEATURE = 27;
    /** The gate's level is this quantile of the sharp training faces' colour noise. */
    static double GATE_QUANTILE = 0.999;
    /** Logit added per unit of colour noise above the gate's level. */
    static final double GATE_SLOPE = 50;

    /** Share of sharp training faces per geometry that the size offsets put below the threshold. */
    static double SHARP_PASS = 0.995;
    /** Total weight of the sharp samples in the extent fit, relative to the degraded ones. */
    static final double SHARP_EXTENT_WEIGHT = 0.2;

    private static int indexOfSize(DeploymentMatrix.Geometry g) {
        for (int k = 0; k < OFFSET_SIZES.length; k++) {
            if (geometryOfSize(OFFSET_SIZES[k]) == g) {
                return k;
            }
        }
        throw new IllegalArgumentException(g.toString());
    }

    private static int countTrue(boolean[] b) {
        int c = 0;
        for (boolean v : b) {
            c += v ? 1 : 0;
        }
        return c;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** The {@code q} quantile (linear interpolation between order statistics). */
    static double quantile(List<Double> values, double q) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        return v[lo] + (pos - lo) * (v[hi] - v[lo]);
    }

    /**
     * Fits a linear model on standardised features (every column but the leading constant scaled to mean 0 and
     * standard deviation 1, so that one ridge penalty treats all features alike) and returns its weights on the
     * raw features.
     */
    static double[] standardised(double[][] x, java.util.function.Function<double[][], double[]> fit) {
        int p = x[0].length;
        double[] mu = new double[p];
        double[] sd = new double[p];
        for (int j = 1; j < p; j++) {
            double s = 0;
            double ss = 0;
            for (double[] r : x) {
                s += r[j];
                ss += r[j] * r[j];
            }
            mu[j] = s / x.length;
            sd[j] = Math.sqrt(Math.max(0, ss / x.length - mu[j] * mu[j])) + 1e-9;
        }
        double[][] xs = new double[x.length][p];
        for (int i = 0; i < x.length; i++) {
            xs[i][0] = 1;
            for (int j = 1; j < p; j++) {
                xs[i][j] = (x[i][j] - mu[j]) / sd[j];
            }
        }
        double[] w = fit.apply(xs);
        double[] raw = new double[p];
        raw[0] = w[0];
        for (int j = 1; j < p; j++) {
            raw[j] = w[j] / sd[j];
            raw[0] -= w[j] * mu[j] / sd[j];
        }
        return raw;
    }

    /**
     * Writes a calibration file ({@code smfd-assess/1}) that {@code Deblurrer} reads beside its model. The text
     * depends only on its inputs (no date), so a rerun on the same data writes the same bytes.
     */
    static void writeCalibration(Path file, Fit fit, int faces, int step, int sharpStep, String modelSha256,
                                 String command) throws IOException {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"format\": \"smfd-assess/1\",\n");
        sb.append("  \"features\": ").append(fit.extentWeights().length).append(",\n");
        sb.append(String.format(Locale.ROOT, "  \"fitted\": \"fitted on %d samples of training faces (train/ %d..%d step %d,"
                        + " sharp step %d)%s\",%n", faces, FIRST_ID, LAST_ID, step, sharpStep, modelSha256 == null
                        ? " for the bundled model" : " for the model with sha256 " + modelSha256.substring(0, 12)));
        if (modelSha256 != null) {
            sb.append("  \"model_sha256\": \"").append(modelSha256).append("\",\n");
        }
        sb.append("  \"command\": \"").append(command.replace("\\", "/").replace("\"", "'")).append("\",\n");
        sb.append("  \"metrics\": {");
        String sep = "";
        for (Map.Entry<String, Double> e : fit.metrics().entrySet()) {
            sb.append(String.format(Locale.ROOT, "%s\"%s\": %.4f", sep, e.getKey(), e.getValue()));
            sep = ", ";
        }
        for (Map.Entry<String, double[]> e : fit.byGeometry().entrySet()) {
            double[] v = e.getValue();
            sb.append(String.format(Locale.ROOT, ", \"%s\": {\"sharp_faces\": %d, \"cv_sharp_passed_through\": %.4f,"
                            + " \"matrix_faces\": %d, \"cv_matrix_missed\": %.4f, \"cv_worst_cell_missed\": %.4f,"
                            + " \"cv_cells_missed_over_5pct\": %d}", e.getKey(), (int) v[0], v[1], (int) v[2], v[3], v[4],
                    (int) v[5]));
        }
        sb.append("},\n");
        sb.append("  \"region\": [").append(jsonArray(FIT_REGION)).append("],\n");
        sb.append("  \"severity_offsets\": {\"sizes\": [").append(jsonArray(OFFSET_SIZES)).append("], \"logits\": [")
                .append(jsonArray(fit.offsetLogits())).append("]},\n");
        sb.append(String.format(Locale.ROOT, "  \"noise_gate\": {\"feature\": %d, \"level\": %s, \"slope\": %s},%n",
                GATE_FEATURE, Double.toString(fit.gateLevel()), Double.toString(GATE_SLOPE)));
        sb.append("  \"extent_weights\": [").append(jsonArray(fit.extentWeights())).append("],\n");
        sb.append("  \"severity_weights\": [").append(jsonArray(fit.severityWeights())).append("]\n}\n");
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The measured area of the calibration's features ({@code x0, x1, y0, y1} of the width and height): wider
     * and higher than {@link BlurFeatures#LEGACY_REGION}, so that the eyes are inside it on the 112 px
     * ArcFace-style crop too (they sit at about 29% of its height).
     */
    static final double[] FIT_REGION = {0.20, 0.80, 0.20, 0.85};

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
        double[] w = new double[x.length];
        Arrays.fill(w, 1);
        return leastSquares(x, y, w, 1e-8);
    }

    /**
     * Weighted ridge least squares.
     *
     * @param x      rows of features, first column the constant 1
     * @param y      targets
     * @param weight per-row weights
     * @param ridge  penalty on the non-intercept weights, per unit of total weight
     * @return weights
     */
    static double[] leastSquares(double[][] x, double[] y, double[] weight, double ridge) {
        int p = x[0].length;
        double[][] a = new double[p][p];
        double[] b = new double[p];
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            double wi = weight[i];
            total += wi;
            for (int j = 0; j < p; j++) {
                double v = wi * x[i][j];
                b[j] += v * y[i];
                for (int k = j; k < p; k++) {
                    a[j][k] += v * x[i][k];
                }
            }
        }
        for (int j = 0; j < p; j++) {
            for (int k = 0; k < j; k++) {
                a[j][k] = a[k][j];
            }
        }
        for (int j = 1; j < p; j++) {
            a[j][j] += ridge * total;
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
        double[] w = new double[x.length];
        Arrays.fill(w, 1);
        return logistic(x, y, w, ridge);
    }

    /**
     * Weighted L2-regularised logistic regression by Newton's method (IRLS).
     *
     * @param x      rows of features, first column the constant 1
     * @param y      labels
     * @param weight per-row weights
     * @param ridge  penalty on the non-intercept weights, per unit of total weight
     * @return weights of the logit
     */
    static double[] logistic(double[][] x, boolean[] y, double[] weight, double ridge) {
        int p = x[0].length;
        double total = 0;
        for (double v : weight) {
            total += v;
        }
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
                double r = weight[i] * ((y[i] ? 1 : 0) - prob);
                double v = weight[i] * Math.max(prob * (1 - prob), 1e-9);
                for (int j = 0; j < p; j++) {
                    g[j] += r * x[i][j];
                    double vx = v * x[i][j];
                    for (int k = j; k < p; k++) {
                        h[j][k] += vx * x[i][k];
                    }
                }
            }
            for (int j = 0; j < p; j++) {
                for (int k = 0; k < j; k++) {
                    h[j][k] = h[k][j];
                }
            }
            for (int j = 1; j < p; j++) {
                g[j] -= ridge * total * w[j];
                h[j][j] += ridge * total;
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

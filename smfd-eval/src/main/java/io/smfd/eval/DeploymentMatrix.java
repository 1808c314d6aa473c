package io.smfd.eval;

import io.smfd.DeblurModel;
import io.smfd.Deblurrer;
import io.smfd.ModelChoice;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import io.smfd.degrade.Degradation;
import io.smfd.degrade.DegradationPipeline;
import io.smfd.degrade.Parameter;
import io.smfd.degrade.Range;
import io.smfd.identity.FaceDescriptor;
import io.smfd.identity.FaceMatcher;
import io.smfd.identity.MobileFace;
import io.smfd.identity.PillowResize;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deployment matrix and the hard-verification set of {@code smfd eval}: SMFD measured where integrators use
 * it, independent of the training mixture. Held-out faces only ({@code eval/}), fixed seeds.
 *
 * <p><b>Matrix.</b> For each of the first {@code n} held-out faces (id {@code i}) and each of the
 * {@link #blurs() 12 blur strengths} (index {@code b}), the sharp 256x256 face is degraded with
 * {@code blur.clean()} or {@code blur.noisy()} and seed {@value #SEED_BASE}{@code  + 1000 b + i} (the clean and
 * the noisy version share the kernel; the noisy one adds Gaussian noise sigma {@value #NOISE_SIGMA}/255 and JPEG
 * quality {@value #JPEG_QUALITY}). All degradation happens at 256 px (the "256-equivalent scale": a 256 px face
 * in the camera frame); each {@link Geometry} then frames the sharp and the degraded face the same way (Pillow
 * bilinear), as an integrator's aligner would. Per geometry and face: PSNR and SSIM (RGB) against the framed
 * sharp face, and both matchers' distance to the framed sharp face's embedding, for the blurry input, each
 * {@link Model model} forced ({@link SharpFacePolicy#DEBLUR}) and with the default policy (the blurry input where
 * {@link Deblurrer#assess} says the face needs no deblurring, else the forced output: exactly what
 * {@code PASS_THROUGH} returns); the share passed through and the share "missed" (passed through although the
 * forced output gains at least {@value #MISSED_GAIN_DB} dB PSNR).
 *
 * <p><b>Hard verification.</b> Every held-out face (up to the run's limit) is degraded with {@link #hardPipeline()}
 * (seed {@value #HARD_SEED_BASE}{@code  + i}: strong blur of every family, down-up scaling, noise and JPEG) and
 * framed as a 112x112 ArcFace-style crop; gallery = the sharp 112 crops of the same faces. TAR at FAR 1e-2 /
 * 1e-3 and rank-1 ({@link IdentityStats#verify(List, List, java.util.function.ToDoubleBiFunction, double)}) for the
 * blurry probes, the best classical output (oracle pick by PSNR of unsharp masking and blind Wiener, as in the main
 * evaluation) and each model with the default policy and forced, on both matchers.
 *
 * <p><b>Models.</b> One {@link Model} row per restorer the SDK can run: today the SMFD model under evaluation.
 * A new restorer (e.g. MAXIM) is one more entry in {@link #models}.
 */
public final class DeploymentMatrix {

    /** Matrix seed of face {@code i}, blur strength {@code b}: {@code SEED_BASE + 1000 b + i}. */
    public static final long SEED_BASE = 20_280_000L;
    /** Hard-verification seed of face {@code i}: {@code HARD_SEED_BASE + i}. */
    public static final long HARD_SEED_BASE = 20_290_000L;
    /** Faces per matrix cell by default. */
    public static final int DEFAULT_FACES = 100;
    /** A passed-through face is "missed" when forcing the model would gain at least this much PSNR (dB). */
    public static final double MISSED_GAIN_DB = 0.5;
    /** Gaussian noise sigma (in 1/255) of the noisy matrix cells. */
    public static final int NOISE_SIGMA = 5;
    /** JPEG quality of the noisy matrix cells. */
    public static final int JPEG_QUALITY = 75;

    /** ArcFace 112x112 template (InsightFace): eye midpoint and mouth-corner midpoint, in 112 px coordinates. */
    static final double[] ARCFACE_EYES = {55.9132, 51.5989};
    static final double[] ARCFACE_MOUTH = {56.1396, 92.2848};

    private DeploymentMatrix() {
    }

    /** Input geometries, each derived from the 256x256 aligned face. */
    public enum Geometry {
        /** The whole 256x256 aligned face (SMFD's training size). */
        WHOLE_256("256 px whole face", 256),
        /** The whole aligned face resized to 160x160. */
        WHOLE_160("160 px whole face", 160),
        /** The ArcFace-style box x 56..200, y 80..224 ({@link MobileFace#BOX_256}) resized to 112x112. */
        CROP_112("112 px ArcFace-style crop", 112);

        final String label;
        final int size;

        Geometry(String label, int size) {
            this.label = label;
            this.size = size;
        }

        /** Frames a 256x256 aligned face into this geometry (Pillow bilinear). */
        FaceImage frame(FaceImage face256) {
            return switch (this) {
                case WHOLE_256 -> face256;
                case WHOLE_160 -> FaceImage.fromRgbBytes(size, size, PillowResize.resizeRgb(face256.toRgbBytes(),
                        face256.width(), face256.height(), size, size));
                case CROP_112 -> MobileFace.arcFaceCrop(face256, size);
            };
        }

        /** Embeds images of this geometry with a matcher (whole faces framed by the matcher, crops resized). */
        float[][] embed(FaceMatcher m, List<FaceImage> images) {
            return this == CROP_112 ? m.embedArcFaceCrops(images) : m.embedAligned(images);
        }

        String key() {
            return switch (this) {
                case WHOLE_256 -> "256";
                case WHOLE_160 -> "160";
                case CROP_112 -> "112crop";
            };
        }
    }

    /**
     * One blur strength of the matrix.
     *
     * @param index    position in {@link #blurs()} (part of the seed)
     * @param family   family name
     * @param strength strength label at 256 px
     * @param clean    blur only
     * @param noisy    the same blur + Gaussian noise {@value #NOISE_SIGMA}/255 + JPEG {@value #JPEG_QUALITY}
     */
    public record Blur(int index, String family, String strength, DegradationPipeline clean,
                       DegradationPipeline noisy) {
        String label() {
            return family + " " + strength;
        }
    }

    /**
     * The 12 blur strengths, at the 256 px scale: linear motion 5 / 9 / 13 / 17 px (random angle), camera-shake
     * trajectory small (15 px kernel) / large (31 px kernel, the spec-v1 maximum; path, shake and the rest at their spec-v1 ranges),
     * isotropic Gaussian sigma 1 / 2 / 3 px, defocus disk radius 2 / 3 / 4 px.
     *
     * @return the strengths, in table order
     */
    public static List<Blur> blurs() {
        List<Blur> out = new ArrayList<>();
        for (double l : new double[] {5, 9, 13, 17}) {
            out.add(blur(out.size(), "linear", fmt("%.0f px", l), b -> b.familyWeights(0, 1, 0, 0)
                    .range(Parameter.LINEAR_LENGTH, Range.fixed(l))));
        }
        String[] shake = {"small (15 px)", "large (31 px)"};
        int[] size = {15, 31};
        for (int k = 0; k < 2; k++) {
            int s = size[k];
            out.add(blur(out.size(), "shake", shake[k], b -> b.familyWeights(1, 0, 0, 0)
                    .range(Parameter.TRAJECTORY_SIZE, Range.fixed(s))));
        }
        for (double sg : new double[] {1, 2, 3}) {
            out.add(blur(out.size(), "gaussian", fmt("sigma %.0f", sg), b -> b.familyWeights(0, 0, 1, 0)
                    .isotropicGaussianProbability(1).range(Parameter.GAUSSIAN_SIGMA, Range.fixed(sg))));
        }
        for (double r : new double[] {2, 3, 4}) {
            out.add(blur(out.size(), "defocus", fmt("r %.0f", r), b -> b.familyWeights(0, 0, 0, 1)
                    .range(Parameter.DEFOCUS_RADIUS, Range.fixed(r))));
        }
        return List.copyOf(out);
    }

    private static Blur blur(int index, String family, String strength,
                             java.util.function.UnaryOperator<DegradationPipeline.Builder> kernel) {
        DegradationPipeline clean = kernel.apply(DegradationPipeline.builder()).scaleProbability(0)
                .noiseProbability(0).jpegProbability(0).build();
        DegradationPipeline noisy = kernel.apply(DegradationPipeline.builder()).scaleProbability(0)
                .noiseProbability(1).gaussianNoiseProbability(1)
                .range(Parameter.GAUSSIAN_NOISE_SIGMA, Range.fixed(NOISE_SIGMA))
                .jpegProbability(1).range(Parameter.JPEG_QUALITY, Range.fixed(JPEG_QUALITY)).build();
        return new Blur(index, family, strength, clean, noisy);
    }

    /**
     * The hard-verification degradation, at 256 px before the 112 crop: strong blur, motion-heavy (linear motion
     * 13..21 px with weight 2; camera shake with 27..31 px kernels, isotropic Gaussian sigma 2.5..3.5 and defocus
     * radius 3.5..5 with weight 1 each), always followed by down-up scaling by 0.3..0.5 (a face of 77..128 px in
     * the frame), Gaussian noise 5..12 /255 and JPEG quality 40..70.
     *
     * @return the pipeline (face {@code i} uses seed {@link #HARD_SEED_BASE}{@code  + i})
     */
    public static DegradationPipeline hardPipeline() {
        return DegradationPipeline.builder()
                .familyWeights(1, 2, 1, 1)
                .range(Parameter.LINEAR_LENGTH, Range.of(13, 21, 0.5))
                .range(Parameter.TRAJECTORY_SIZE, Range.of(27, 31, 2))
                .isotropicGaussianProbability(1)
                .range(Parameter.GAUSSIAN_SIGMA, Range.of(2.5, 3.5, 0.1))
                .range(Parameter.DEFOCUS_RADIUS, Range.of(3.5, 5.0, 0.25))
                .scaleProbability(1).range(Parameter.SCALE_FACTOR, Range.of(0.3, 0.5, 0.05))
                .noiseProbability(1).gaussianNoiseProbability(1)
                .range(Parameter.GAUSSIAN_NOISE_SIGMA, Range.of(5, 12, 1))
                .jpegProbability(1).range(Parameter.JPEG_QUALITY, Range.of(40, 70, 1))
                .build();
    }

    /**
     * A restorer the SDK can run: one row per model in every cell.
     *
     * @param name        short name (JSON key)
     * @param description model description for the report
     * @param deblurrer   a deblurrer with {@link SharpFacePolicy#DEBLUR} (the default policy is derived from
     *                    {@link Deblurrer#assess})
     */
    public record Model(String name, String description, Deblurrer deblurrer) {
        /** Validates. */
        public Model {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(deblurrer, "deblurrer");
        }
    }

    /**
     * Options.
     *
     * @param data      data set root (containing {@code eval/})
     * @param faces     faces per matrix cell
     * @param hardFaces faces of the hard-verification set (gallery and probes)
     * @param backend   backend name, {@code auto}, or {@code none} (no model rows)
     * @param model     ONNX file instead of the bundled model, or null
     * @param threads   faces processed in parallel
     * @param progress  where progress goes
     * @param choices   one row per model choice (SMFD, MAXIM, AUTO; AUTO reuses the SMFD and MAXIM rows' outputs
     *                  when both are present, choosing per face with {@link Deblurrer#modelFor})
     */
    public record Options(Path data, int faces, int hardFaces, String backend, Path model, int threads,
                          PrintStream progress, List<ModelChoice> choices) {
        /** Options with the SMFD row only. */
        public Options(Path data, int faces, int hardFaces, String backend, Path model, int threads,
                       PrintStream progress) {
            this(data, faces, hardFaces, backend, model, threads, progress, List.of(ModelChoice.SMFD));
        }

        /** Validates. */
        public Options {
            choices = List.copyOf(choices);
            if (choices.isEmpty() || choices.stream().distinct().count() != choices.size()) {
                throw new IllegalArgumentException("choices must be distinct and not empty: " + choices);
            }
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(progress, "progress");
            if (faces < 1 || hardFaces < 2 || threads < 1) {
                throw new IllegalArgumentException("faces >= 1, hardFaces >= 2 and threads >= 1 needed, got " + faces
                        + ", " + hardFaces + ", " + threads);
            }
        }
    }

    /**
     * Image quality and identity of one image against the framed sharp face.
     *
     * @param psnr       RGB PSNR, dB
     * @param ssim       RGB SSIM
     * @param dlib       dlib descriptor distance (Euclidean)
     * @param mobileface mobileface distance (cosine)
     */
    public record Score(double psnr, double ssim, double dlib, double mobileface) {
    }

    /**
     * One model on one face of one cell.
     *
     * @param passedThrough the default policy returned the input unchanged
     * @param forced        the model run on the face
     * @param policy        the default policy's output (the input when passed through)
     * @param model         the network that produced {@code forced} (for AUTO: where it routed the face)
     */
    public record ModelOutcome(boolean passedThrough, Score forced, Score policy, DeblurModel model) {
        /** Validates. */
        public ModelOutcome {
            Objects.requireNonNull(model, "model");
        }

        /** An SMFD outcome. */
        public ModelOutcome(boolean passedThrough, Score forced, Score policy) {
            this(passedThrough, forced, policy, DeblurModel.SMFD);
        }

        /** Passed through although forcing would gain at least {@link #MISSED_GAIN_DB} dB. */
        boolean missed(Score blurry) {
            return passedThrough && forced.psnr() - blurry.psnr() >= MISSED_GAIN_DB;
        }
    }

    /**
     * One face of one cell.
     *
     * @param id     face id
     * @param blurry the degraded input
     * @param models per {@link Model}, in order
     */
    public record FaceOutcome(int id, Score blurry, List<ModelOutcome> models) {
    }

    /**
     * One cell: geometry x blur strength x clean/noisy.
     *
     * @param geometry the geometry
     * @param blur     the blur strength
     * @param noisy    with noise + JPEG
     * @param faces    the faces, in id order
     */
    public record Cell(Geometry geometry, Blur blur, boolean noisy, List<FaceOutcome> faces) {
    }

    /**
     * One hard-verification probe: per method, the embeddings of both matchers and the PSNR.
     *
     * @param id          face id
     * @param degradation the drawn degradation
     * @param sharp       the sharp 112 crop's {dlib, mobileface} embeddings (its gallery entry)
     * @param methods     per {@link Result#hardMethods()} entry: {dlib, mobileface} embeddings
     * @param psnr        per method, RGB PSNR of the 112 crop against the sharp crop
     * @param passed      per model, whether the default policy passed the probe through
     * @param routed      per model, the network that produced its forced output
     */
    public record HardProbe(int id, String degradation, float[][] sharp, List<float[][]> methods, double[] psnr,
                            boolean[] passed, List<DeblurModel> routed) {
    }

    /**
     * The centroid check of the 112 crop box: mean eye and mouth centroids of the ground-truth masks of the faces
     * used, at 256 px and mapped into the 112 crop, against the ArcFace template.
     *
     * @param faces   faces with both regions
     * @param eyes256 {x, y} at 256 px
     * @param mouth256 {x, y} at 256 px
     * @param eyes112  {x, y} in the 112 crop
     * @param mouth112 {x, y} in the 112 crop
     * @param arcFaceBox the box {left, top, right, bottom} at 256 px that would put these centroids at the
     *                   template's eye and mouth midpoints (scale from the eye-mouth distance)
     */
    public record BoxCheck(int faces, double[] eyes256, double[] mouth256, double[] eyes112, double[] mouth112,
                           double[] arcFaceBox) {
    }

    /**
     * A model of a run as the reports name it.
     *
     * @param name        short key used in report.json (e.g. {@code smfd})
     * @param description human-readable description (model, version, backend)
     */
    public record ModelName(String name, String description) {
    }

    /**
     * Everything the report needs.
     *
     * @param faces        matrix faces per cell
     * @param models       model names and descriptions, in row order
     * @param cells        geometry-major, then blur, then clean before noisy
     * @param hardMethods  method labels of the hard set, in row order
     * @param gallery      per matcher {dlib, mobileface}, the sharp 112 crops' embeddings
     * @param probes       the hard probes, same order as the gallery
     * @param boxCheck     the centroid check of the crop box
     * @param matrixSeconds wall time of the matrix
     * @param hardSeconds   wall time of the hard set
     * @param threads       face threads
     */
    public record Result(int faces, List<ModelName> models, List<Cell> cells, List<String> hardMethods,
                         List<List<float[]>> gallery, List<HardProbe> probes, BoxCheck boxCheck,
                         double matrixSeconds, double hardSeconds, int threads) {
    }

    /**
     * The models of a run: today the SMFD model under evaluation (bundled or {@code --model}); none with
     * backend {@code none}. Each with {@link SharpFacePolicy#DEBLUR}. Close them.
     */
    static List<Model> models(String backend, Path model, int threads) {
        return models(backend, model, threads, List.of(ModelChoice.SMFD));
    }

    static List<Model> models(String backend, Path model, int threads, List<ModelChoice> choices) {
        if (backend.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<Model> out = new ArrayList<>();
        try {
            for (ModelChoice c : choices) {
                Deblurrer.Builder b = Deblurrer.builder().threads(threads).sharpFaces(SharpFacePolicy.DEBLUR)
                        .modelChoice(c);
                if (!backend.equalsIgnoreCase("auto")) {
                    b.backend(backend);
                }
                if (model != null) {
                    b.model(model);
                }
                Deblurrer d = b.build();
                String smfd = "SMFD " + d.modelInfo().version();
                String desc = switch (c) {
                    case SMFD -> smfd;
                    case MAXIM -> "MAXIM-3S " + d.models().get(1).version();
                    case AUTO -> "AUTO (" + smfd + " / MAXIM-3S by the blur assessment, motion threshold "
                            + fmt("%.2f", ModelChoice.DEFAULT_MOTION_THRESHOLD) + ")";
                };
                out.add(new Model(c.name().toLowerCase(Locale.ROOT), desc + " (" + d.backendName() + ")", d));
            }
        } catch (RuntimeException e) {
            out.forEach(m -> m.deblurrer().close());
            throw e;
        }
        return List.copyOf(out);
    }

    /**
     * The forced outputs of one face: per model, its output and the network that produced it. An AUTO model reuses
     * the output of the SMFD or MAXIM row it routes the face to (bit for bit what it would compute itself: the same
     * backend, model and input), so MAXIM does not run twice.
     */
    static FaceImage[] forcedOutputs(List<Model> models, FaceImage blurry, DeblurModel[] routed) {
        FaceImage[] out = new FaceImage[models.size()];
        int smfd = -1;
        int maxim = -1;
        for (int m = 0; m < models.size(); m++) {
            ModelChoice c = models.get(m).deblurrer().modelChoice();
            if (c == ModelChoice.SMFD) {
                smfd = m;
            } else if (c == ModelChoice.MAXIM) {
                maxim = m;
            }
        }
        for (int m = 0; m < models.size(); m++) {
            Deblurrer db = models.get(m).deblurrer();
            if (db.modelChoice() != ModelChoice.AUTO) {
                routed[m] = db.modelChoice() == ModelChoice.MAXIM ? DeblurModel.MAXIM : DeblurModel.SMFD;
                out[m] = Evaluation.quantise8(db.deblur(blurry));
            }
        }
        for (int m = 0; m < models.size(); m++) {
            Deblurrer db = models.get(m).deblurrer();
            if (db.modelChoice() == ModelChoice.AUTO) {
                routed[m] = db.modelFor(blurry).orElseThrow(); // DEBLUR policy: always a model
                int reuse = routed[m] == DeblurModel.MAXIM ? maxim : smfd;
                out[m] = reuse >= 0 ? out[reuse] : Evaluation.quantise8(db.deblur(blurry));
            }
        }
        return out;
    }

    /**
     * Runs the matrix and the hard-verification set.
     *
     * @param o options
     * @return the results
     * @throws IOException if the data cannot be read
     */
    public static Result run(Options o) throws IOException {
        FaceDataset ds = new FaceDataset(o.data(), "eval");
        List<Integer> all = ds.ids();
        if (all.isEmpty()) {
            throw new IOException("no NNNN.jpg faces in " + ds.splitDir().resolve("images"));
        }
        List<Integer> cellIds = all.subList(0, Math.min(o.faces(), all.size()));
        List<Integer> hardIds = all.subList(0, Math.min(o.hardFaces(), all.size()));
        int cores = Runtime.getRuntime().availableProcessors();
        int inner = Math.max(1, cores / o.threads());
        List<Model> models = models(o.backend(), o.model(), inner, o.choices());
        try (FaceDescriptor dlib = FaceDescriptor.create(inner); MobileFace mobile = MobileFace.create(inner)) {
            List<FaceMatcher> matchers = List.of(dlib, mobile);
            List<Blur> blurs = blurs();
            long t0 = System.nanoTime();
            o.progress().printf(Locale.ROOT, "[matrix] %d faces x %d blurs x 2 x %d geometries, %d model(s), %d threads%n",
                    cellIds.size(), blurs.size(), Geometry.values().length, models.size(), o.threads());
            List<FaceOutcome[]> perFace = parallel(cellIds, o, "matrix",
                    id -> matrixFace(ds, id, blurs, models, matchers));
            List<Cell> cells = new ArrayList<>();
            int g = 0;
            for (Geometry geo : Geometry.values()) {
                for (Blur b : blurs) {
                    for (int noisy = 0; noisy < 2; noisy++) {
                        List<FaceOutcome> fs = new ArrayList<>();
                        int k = (g * blurs.size() + b.index()) * 2 + noisy;
                        for (FaceOutcome[] face : perFace) {
                            fs.add(face[k]);
                        }
                        cells.add(new Cell(geo, b, noisy == 1, List.copyOf(fs)));
                    }
                }
                g++;
            }
            double matrixSeconds = (System.nanoTime() - t0) / 1e9;

            long t1 = System.nanoTime();
            List<String> methods = new ArrayList<>(List.of("blurry", "bestClassical"));
            for (Model m : models) {
                methods.add(m.name() + "Default");
                methods.add(m.name() + "Forced");
            }
            DegradationPipeline hard = hardPipeline();
            ClassicalBaseline baseline = new ClassicalBaseline();
            o.progress().printf(Locale.ROOT, "[hard] %d probes (112 px crops), gallery = their sharp crops%n",
                    hardIds.size());
            List<HardProbe> probes = parallel(hardIds, o, "hard",
                    id -> hardFace(ds, id, hard, baseline, models, matchers));
            List<List<float[]>> gallery = List.of(new ArrayList<>(), new ArrayList<>());
            for (HardProbe p : probes) {
                gallery.get(0).add(p.sharp()[0]);
                gallery.get(1).add(p.sharp()[1]);
            }
            double hardSeconds = (System.nanoTime() - t1) / 1e9;
            List<ModelName> modelNames = models.stream().map(m -> new ModelName(m.name(), m.description())).toList();
            return new Result(cellIds.size(), modelNames, cells, List.copyOf(methods), gallery, probes,
                    boxCheck(ds, cellIds), matrixSeconds, hardSeconds, o.threads());
        } finally {
            for (Model m : models) {
                m.deblurrer().close();
            }
        }
    }

    @FunctionalInterface
    private interface FaceTask<T> {
        T run(int id) throws IOException;
    }

    /** Runs a task per face on {@code o.threads()} threads; results in id order. */
    private static <T> List<T> parallel(List<Integer> ids, Options o, String tag, FaceTask<T> task)
            throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(o.threads(), r -> {
            Thread t = new Thread(r, "smfd-" + tag);
            t.setDaemon(true);
            return t;
        });
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        int every = Math.max(1, ids.size() / 20);
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (int id : ids) {
                fs.add(pool.submit(() -> {
                    T r = task.run(id);
                    int n = done.incrementAndGet();
                    if (n % every == 0 || n == ids.size()) {
                        double el = (System.nanoTime() - start) / 1e9;
                        o.progress().printf(Locale.ROOT, "[%s] %d/%d faces, %.0f s elapsed, ETA %.0f s%n", tag, n,
                                ids.size(), el, el / n * (ids.size() - n));
                    }
                    return r;
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One face through every cell: index {@code (geometry * blurs + blur) * 2 + noisy}. */
    private static FaceOutcome[] matrixFace(FaceDataset ds, int id, List<Blur> blurs, List<Model> models,
                                                  List<FaceMatcher> matchers) throws IOException {
        FaceImage sharp256 = Evaluation.quantise8(ds.image(id));
        if (sharp256.width() != 256 || sharp256.height() != 256) {
            throw new IOException("face " + id + " is " + sharp256.width() + "x" + sharp256.height() + ", expected 256x256");
        }
        Geometry[] geos = Geometry.values();
        FaceImage[] sharp = new FaceImage[geos.length];
        float[][][] sharpEmb = new float[geos.length][][];
        for (Geometry g : geos) {
            sharp[g.ordinal()] = g.frame(sharp256);
            sharpEmb[g.ordinal()] = new float[matchers.size()][];
            for (int m = 0; m < matchers.size(); m++) {
                sharpEmb[g.ordinal()][m] = g.embed(matchers.get(m), List.of(sharp[g.ordinal()]))[0];
            }
        }
        FaceOutcome[] out = new FaceOutcome[geos.length * blurs.size() * 2];
        for (Blur b : blurs) {
            long seed = SEED_BASE + 1000L * b.index() + id;
            for (int noisy = 0; noisy < 2; noisy++) {
                Degradation d = (noisy == 1 ? b.noisy() : b.clean()).sample(seed);
                FaceImage degraded = Evaluation.quantise8(d.applyTo(sharp256));
                for (Geometry g : geos) {
                    FaceImage ref = sharp[g.ordinal()];
                    FaceImage blurry = g.frame(degraded);
                    List<FaceImage> images = new ArrayList<>(List.of(blurry));
                    boolean[] passed = new boolean[models.size()];
                    DeblurModel[] routed = new DeblurModel[models.size()];
                    FaceImage[] forcedImages = forcedOutputs(models, blurry, routed);
                    for (int m = 0; m < models.size(); m++) {
                        Deblurrer db = models.get(m).deblurrer();
                        passed[m] = !db.assess(blurry).needsDeblurring();
                        images.add(forcedImages[m]);
                    }
                    float[][][] emb = new float[matchers.size()][][];
                    for (int m = 0; m < matchers.size(); m++) {
                        emb[m] = g.embed(matchers.get(m), images);
                    }
                    Score[] scores = new Score[images.size()];
                    for (int k = 0; k < images.size(); k++) {
                        scores[k] = new Score(ImageMetrics.psnrRgb(images.get(k), ref),
                                ImageMetrics.ssimRgb(images.get(k), ref),
                                matchers.get(0).distanceOf(emb[0][k], sharpEmb[g.ordinal()][0]),
                                matchers.get(1).distanceOf(emb[1][k], sharpEmb[g.ordinal()][1]));
                    }
                    List<ModelOutcome> mo = new ArrayList<>();
                    for (int m = 0; m < models.size(); m++) {
                        Score forced = scores[m + 1];
                        mo.add(new ModelOutcome(passed[m], forced, passed[m] ? scores[0] : forced, routed[m]));
                    }
                    out[(g.ordinal() * blurs.size() + b.index()) * 2 + noisy] = new FaceOutcome(id, scores[0],
                            List.copyOf(mo));
                }
            }
        }
        return out;
    }

    /** One hard probe, with its gallery entry. */
    private static HardProbe hardFace(FaceDataset ds, int id, DegradationPipeline hard, ClassicalBaseline baseline,
                                     List<Model> models, List<FaceMatcher> matchers) throws IOException {
        FaceImage sharp256 = Evaluation.quantise8(ds.image(id));
        Geometry g = Geometry.CROP_112;
        FaceImage sharp = g.frame(sharp256);
        Degradation d = hard.sample(HARD_SEED_BASE + id);
        FaceImage blurry = g.frame(Evaluation.quantise8(d.applyTo(sharp256)));
        FaceImage unsharp = Evaluation.quantise8(baseline.unsharp(blurry));
        ClassicalBaseline.Estimate est = baseline.estimate(blurry);
        FaceImage wiener = Evaluation.quantise8(baseline.wiener(blurry, est.sigma() * baseline.params().wienerGamma(),
                est.noiseRatio()));
        FaceImage best = ImageMetrics.psnrRgb(wiener, sharp) > ImageMetrics.psnrRgb(unsharp, sharp) ? wiener : unsharp;
        List<FaceImage> images = new ArrayList<>(List.of(sharp, blurry, best));
        boolean[] passed = new boolean[models.size()];
        DeblurModel[] routed = new DeblurModel[models.size()];
        FaceImage[] forcedImages = forcedOutputs(models, blurry, routed);
        for (int m = 0; m < models.size(); m++) {
            Deblurrer db = models.get(m).deblurrer();
            passed[m] = !db.assess(blurry).needsDeblurring();
            FaceImage forced = forcedImages[m];
            images.add(passed[m] ? blurry : forced);
            images.add(forced);
        }
        float[][][] emb = new float[matchers.size()][][];
        for (int m = 0; m < matchers.size(); m++) {
            emb[m] = g.embed(matchers.get(m), images);
        }
        List<float[][]> methods = new ArrayList<>();
        double[] psnr = new double[images.size() - 1];
        for (int k = 1; k < images.size(); k++) {
            methods.add(new float[][] {emb[0][k], emb[1][k]});
            psnr[k - 1] = ImageMetrics.psnrRgb(images.get(k), sharp);
        }
        return new HardProbe(id, d.describe(), new float[][] {emb[0][0], emb[1][0]}, List.copyOf(methods), psnr,
                passed, List.of(routed));
    }

    /** Mean eye / mouth centroids of the ground-truth masks, at 256 px and in the 112 crop, and the ArcFace box. */
    static BoxCheck boxCheck(FaceDataset ds, List<Integer> ids) throws IOException {
        double ex = 0;
        double ey = 0;
        double mx = 0;
        double my = 0;
        int n = 0;
        for (int id : ids) {
            int[] gt = ds.groupMask(id).orElse(null);
            if (gt == null || gt.length != 256 * 256) {
                continue;
            }
            double[] e = centroid(gt, FaceDataset.GROUP_EYES);
            double[] m = centroid(gt, FaceDataset.GROUP_MOUTH);
            if (e == null || m == null) {
                continue;
            }
            ex += e[0];
            ey += e[1];
            mx += m[0];
            my += m[1];
            n++;
        }
        if (n == 0) {
            return new BoxCheck(0, null, null, null, null, null);
        }
        double[] eyes = {ex / n, ey / n};
        double[] mouth = {mx / n, my / n};
        List<Integer> box = MobileFace.BOX_256;
        double s = 112.0 / (box.get(2) - box.get(0));
        double[] eyes112 = {(eyes[0] - box.get(0)) * s, (eyes[1] - box.get(1)) * s};
        double[] mouth112 = {(mouth[0] - box.get(0)) * s, (mouth[1] - box.get(1)) * s};
        // 256 px per template px, from the vertical eye-mouth distance
        double k = (mouth[1] - eyes[1]) / (ARCFACE_MOUTH[1] - ARCFACE_EYES[1]);
        double left = eyes[0] - ARCFACE_EYES[0] * k;
        double top = eyes[1] - ARCFACE_EYES[1] * k;
        return new BoxCheck(n, eyes, mouth, eyes112, mouth112, new double[] {left, top, left + 112 * k, top + 112 * k});
    }

    /** Centroid {x, y} of a group's pixels (pixel centres at integer + 0.5), or null when absent. */
    private static double[] centroid(int[] groups, int group) {
        double sx = 0;
        double sy = 0;
        long c = 0;
        for (int i = 0; i < groups.length; i++) {
            if (groups[i] == group) {
                sx += i % 256 + 0.5;
                sy += i / 256 + 0.5;
                c++;
            }
        }
        return c == 0 ? null : new double[] {sx / c, sy / c};
    }

    static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}

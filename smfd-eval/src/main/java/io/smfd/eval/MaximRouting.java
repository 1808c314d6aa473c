package io.smfd.eval;

import io.smfd.BlurAssessment;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.ModelChoice;
import io.smfd.SharpFacePolicy;
import io.smfd.degrade.Degradation;
import io.smfd.eval.DeploymentMatrix.Blur;
import io.smfd.eval.DeploymentMatrix.Geometry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Calibration data for {@link ModelChoice#AUTO}: on <b>training</b> faces (never the held-out ones), every cell of
 * the deployment matrix ({@link DeploymentMatrix#blurs()}, clean and noisy, three geometries, the matrix's seeds)
 * with the face's blur assessment (kind, anisotropy, noise) and the PSNR of the blurry input, SMFD and MAXIM.
 * Writes one CSV line per face and cell; the routing constants of {@link ModelChoice} were read off it.
 *
 * <pre>
 * java -cp smfd-cli/target/smfd-cli.jar io.smfd.eval.MaximRouting ../shared/data/celebamask-hq-mini FACES THREADS OUT.csv
 * </pre>
 *
 * <p>With {@code --mixture DATA_ROOT [THRESHOLD]} it instead prints where {@link ModelChoice#AUTO} (default policy)
 * sends the held-out faces of the main evaluation ({@code DegradationPipeline.defaults()}, seed
 * {@link Evaluation#SEED_BASE}{@code  + id}, 256 px): passed through / SMFD / MAXIM, from the assessment alone (no
 * network runs), for the cost per face relative to SMFD alone.
 */
public final class MaximRouting {

    private MaximRouting() {
    }

    /**
     * Runs the calibration.
     *
     * @param args data root, faces, threads, output CSV
     * @throws Exception if the data cannot be read or a model fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--mixture")) {
            mixture(Path.of(args[1]), args.length > 2 ? Double.parseDouble(args[2]) : ModelChoice.DEFAULT_MOTION_THRESHOLD);
            return;
        }
        if (args.length != 4) {
            System.err.println("usage: MaximRouting DATA_ROOT FACES THREADS OUT.csv");
            System.exit(2);
        }
        FaceDataset ds = new FaceDataset(Path.of(args[0]), "train");
        int faces = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        List<Integer> all = ds.ids();
        List<Integer> ids = new ArrayList<>();
        int step = Math.max(1, all.size() / faces);
        for (int i = 0; i < all.size() && ids.size() < faces; i += step) {
            ids.add(all.get(i));
        }
        List<Blur> blurs = DeploymentMatrix.blurs();
        try (Deblurrer smfd = Deblurrer.builder().backend("onnx").threads(1).sharpFaces(SharpFacePolicy.DEBLUR).build();
             Deblurrer maxim = Deblurrer.builder().backend("onnx").threads(1).sharpFaces(SharpFacePolicy.DEBLUR)
                     .modelChoice(ModelChoice.MAXIM).build()) {
            Path out = Path.of(args[3]);
            Files.writeString(out, "geometry,family,strength,noisy,id,kind,anisotropy,noise,severity,"
                    + "blurry_psnr,smfd_psnr,maxim_psnr\n", StandardCharsets.UTF_8);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            // cheap geometries first, so that a partial run already covers them; one task per face and geometry
            for (Geometry g : List.of(Geometry.CROP_112, Geometry.WHOLE_160, Geometry.WHOLE_256)) {
                for (int id : ids) {
                    fs.add(pool.submit(() -> {
                        String lines = face(ds, id, blurs, g, smfd, maxim);
                        synchronized (MaximRouting.class) {
                            Files.writeString(out, lines, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
                        }
                        System.err.printf(Locale.ROOT, "[routing] face %d, %s done%n", id, g.key());
                        return null;
                    }));
                }
            }
            for (Future<?> f : fs) {
                f.get();
            }
            pool.shutdown();
        }
    }

    private static void mixture(Path data, double threshold) throws IOException {
        FaceDataset ds = new FaceDataset(data, "eval");
        io.smfd.degrade.DegradationPipeline p = io.smfd.degrade.DegradationPipeline.defaults();
        int passed = 0;
        int smfd = 0;
        int maxim = 0;
        try (Deblurrer auto = Deblurrer.builder().backend("onnx").threads(1).modelChoice(ModelChoice.AUTO)
                .autoMotionThreshold(threshold).build()) {
            for (int id : ds.ids()) {
                FaceImage blurry = Evaluation.quantise8(p.sample(Evaluation.SEED_BASE + id).applyTo(
                        Evaluation.quantise8(ds.image(id))));
                java.util.Optional<io.smfd.DeblurModel> m = auto.modelFor(blurry);
                if (m.isEmpty()) {
                    passed++;
                } else if (m.get() == io.smfd.DeblurModel.MAXIM) {
                    maxim++;
                } else {
                    smfd++;
                }
            }
        }
        int n = passed + smfd + maxim;
        System.out.printf(Locale.ROOT, "threshold %.2f: %d faces: passed through %d (%.1f%%), SMFD %d (%.1f%%),"
                + " MAXIM %d (%.1f%%)%n", threshold, n, passed, 100.0 * passed / n, smfd, 100.0 * smfd / n, maxim,
                100.0 * maxim / n);
    }

    private static String face(FaceDataset ds, int id, List<Blur> blurs, Geometry g, Deblurrer smfd, Deblurrer maxim)
            throws IOException {
        FaceImage sharp256 = Evaluation.quantise8(ds.image(id));
        StringBuilder sb = new StringBuilder();
        for (Blur b : blurs) {
            long seed = DeploymentMatrix.SEED_BASE + 1000L * b.index() + id;
            for (int noisy = 0; noisy < 2; noisy++) {
                Degradation d = (noisy == 1 ? b.noisy() : b.clean()).sample(seed);
                FaceImage degraded = Evaluation.quantise8(d.applyTo(sharp256));
                {
                    FaceImage ref = g.frame(sharp256);
                    FaceImage blurry = g.frame(degraded);
                    BlurAssessment a = smfd.assess(blurry);
                    double pb = ImageMetrics.psnrRgb(blurry, ref);
                    double ps = ImageMetrics.psnrRgb(Evaluation.quantise8(smfd.deblur(blurry)), ref);
                    double pm = ImageMetrics.psnrRgb(Evaluation.quantise8(maxim.deblur(blurry)), ref);
                    sb.append(String.format(Locale.ROOT, "%s,%s,\"%s\",%b,%d,%s,%.4f,%.3f,%.3f,%.3f,%.3f,%.3f%n",
                            g.key(), b.family(), b.strength(), noisy == 1, id, a.kind(), a.anisotropy(), a.noiseSigma(),
                            a.severity(), pb, ps, pm));
                }
            }
        }
        return sb.toString();
    }
}

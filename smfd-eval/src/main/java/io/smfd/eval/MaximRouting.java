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
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<String>> fs = new ArrayList<>();
            for (int id : ids) {
                fs.add(pool.submit(() -> face(ds, id, blurs, smfd, maxim)));
            }
            StringBuilder sb = new StringBuilder("geometry,family,strength,noisy,id,kind,anisotropy,noise,severity,"
                    + "blurry_psnr,smfd_psnr,maxim_psnr\n");
            int n = 0;
            for (Future<String> f : fs) {
                sb.append(f.get());
                System.err.printf(Locale.ROOT, "[routing] %d/%d faces%n", ++n, ids.size());
            }
            pool.shutdown();
            Files.writeString(Path.of(args[3]), sb.toString(), StandardCharsets.UTF_8);
        }
    }

    private static String face(FaceDataset ds, int id, List<Blur> blurs, Deblurrer smfd, Deblurrer maxim)
            throws IOException {
        FaceImage sharp256 = Evaluation.quantise8(ds.image(id));
        StringBuilder sb = new StringBuilder();
        for (Blur b : blurs) {
            long seed = DeploymentMatrix.SEED_BASE + 1000L * b.index() + id;
            for (int noisy = 0; noisy < 2; noisy++) {
                Degradation d = (noisy == 1 ? b.noisy() : b.clean()).sample(seed);
                FaceImage degraded = Evaluation.quantise8(d.applyTo(sharp256));
                for (Geometry g : Geometry.values()) {
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

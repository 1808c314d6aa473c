package io.smfd.eval;

import io.smfd.FaceImage;
import io.smfd.degrade.DegradationPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Chooses the {@link ClassicalBaseline} parameters on TRAINING faces only
 * ({@code train/images/4300..4499}, the training recipe's validation split; never {@code eval/}).
 * The result is copied by hand into {@link ClassicalBaseline.Params#DEFAULTS}.
 *
 * <pre>
 * java -cp smfd-cli/target/smfd-cli.jar io.smfd.eval.BaselineTuning [DATA_ROOT] [FACES]
 * </pre>
 *
 * Steps: (1) on sharp faces, fit alpha per face (grid 1.6..3.0) and take the median, then the
 * median fitted sigma {@code s0} with that alpha; (2) report the estimator on Gaussian blurs of
 * sigma 1.5 and 2.5; (3) degrade the faces with {@code DegradationPipeline.defaults()} and seed
 * {@code 30260000 + id} and grid-search unsharp (sigma, amount) and Wiener (gamma, lambda) for the
 * best mean RGB PSNR.
 */
public final class BaselineTuning {

    /** Seed offset of the tuning degradations (differs from the evaluation's 20260000). */
    public static final long TUNING_SEED_BASE = 30_260_000L;

    private BaselineTuning() {
    }

    /**
     * Entry point.
     *
     * @param args optional data root and number of faces (default 60, from id 4300)
     * @throws Exception on I/O errors
     */
    public static void main(String[] args) throws Exception {
        Path root = args.length > 0 ? Path.of(args[0]) : FaceDataset.locate().orElseThrow();
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        FaceDataset train = new FaceDataset(root, "train");
        List<FaceImage> faces = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (int id = 4300; id < 4300 + count && id < 4500; id++) {
            faces.add(train.image(id));
            ids.add(id);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // (1) alpha and s0 on sharp faces
            double[] alphas = new double[faces.size()];
            List<Future<Double>> fa = new ArrayList<>();
            for (FaceImage f : faces) {
                fa.add(pool.submit(() -> {
                    double[][] spec = ClassicalBaseline.radialLogSpectrum(f);
                    double bestA = 0;
                    double bestRms = Double.MAX_VALUE;
                    for (int i = 0; i <= 14; i++) {
                        double a = 1.6 + 0.1 * i;
                        ClassicalBaseline.Fit fit = ClassicalBaseline.fit(spec[0], spec[1], a);
                        if (fit.rms() < bestRms) {
                            bestRms = fit.rms();
                            bestA = a;
                        }
                    }
                    return bestA;
                }));
            }
            for (int i = 0; i < faces.size(); i++) {
                alphas[i] = fa.get(i).get();
            }
            double alpha = round(median(alphas), 0.1);
            System.out.printf(Locale.ROOT, "alpha: median %.2f (range %.2f..%.2f) -> %.1f%n", median(alphas),
                    Arrays.stream(alphas).min().orElse(0), Arrays.stream(alphas).max().orElse(0), alpha);
            ClassicalBaseline raw = new ClassicalBaseline(ClassicalBaseline.Params.DEFAULTS.withEstimator(alpha, 0));
            double[] s = map(pool, faces, f -> raw.estimate(f).rawSigma());
            double s0 = round(median(s), 0.05);
            System.out.printf(Locale.ROOT, "s0 (sharp faces): median %.3f -> %.2f%n", median(s), s0);
            ClassicalBaseline est = new ClassicalBaseline(ClassicalBaseline.Params.DEFAULTS.withEstimator(alpha, s0));

            // (2) estimator on Gaussian blurs
            for (double sigma : new double[] {1.0, 1.5, 2.5, 3.5}) {
                double[] e = map(pool, faces, f -> est.estimate(Evaluation.quantise8(gaussian(f, sigma))).sigma());
                System.out.printf(Locale.ROOT, "gaussian sigma %.1f: estimate median %.2f mean %.2f min %.2f max %.2f%n",
                        sigma, median(e), Arrays.stream(e).average().orElse(0), Arrays.stream(e).min().orElse(0),
                        Arrays.stream(e).max().orElse(0));
            }

            // (3) grids on degraded faces
            DegradationPipeline pipe = DegradationPipeline.defaults();
            List<FaceImage> blurry = new ArrayList<>();
            for (int i = 0; i < faces.size(); i++) {
                blurry.add(pipe.apply(faces.get(i), TUNING_SEED_BASE + ids.get(i)));
            }
            double[] base = new double[faces.size()];
            for (int i = 0; i < faces.size(); i++) {
                base[i] = ImageMetrics.psnrRgb(blurry.get(i), faces.get(i));
            }
            System.out.printf(Locale.ROOT, "blurry input: mean PSNR %.3f%n", mean(base));
            double bestU = -1;
            String bestUs = "";
            for (double us : new double[] {1.0, 2.0, 3.0, 4.0}) {
                for (double am : new double[] {0.05, 0.1, 0.2, 0.5, 1.0}) {
                    double[] v = new double[faces.size()];
                    List<Future<Double>> fu = new ArrayList<>();
                    for (int i = 0; i < faces.size(); i++) {
                        int k = i;
                        fu.add(pool.submit(() -> ImageMetrics.psnrRgb(Evaluation.quantise8(
                                ClassicalBaseline.unsharp(blurry.get(k), us, am)), faces.get(k))));
                    }
                    for (int i = 0; i < v.length; i++) {
                        v[i] = fu.get(i).get();
                    }
                    double m = mean(v);
                    System.out.printf(Locale.ROOT, "unsharp sigma=%.2f amount=%.2f: %.3f%n", us, am, m);
                    if (m > bestU) {
                        bestU = m;
                        bestUs = us + "/" + am;
                    }
                }
            }
            System.out.println("BEST unsharp sigma/amount = " + bestUs + " : " + bestU);
            ClassicalBaseline.Estimate[] ests = new ClassicalBaseline.Estimate[faces.size()];
            List<Future<ClassicalBaseline.Estimate>> fe = new ArrayList<>();
            for (FaceImage b : blurry) {
                fe.add(pool.submit(() -> est.estimate(b)));
            }
            for (int i = 0; i < ests.length; i++) {
                ests[i] = fe.get(i).get();
            }
            double bestW = -1;
            String bestWs = "";
            for (double gamma : new double[] {0.7, 0.85, 1.0, 1.15, 1.3}) {
                for (double lambda : new double[] {1, 2, 3, 5, 10}) {
                    ClassicalBaseline cb = new ClassicalBaseline(est.params().withWiener(gamma, lambda));
                    double[] v = new double[faces.size()];
                    List<Future<Double>> fw = new ArrayList<>();
                    for (int i = 0; i < faces.size(); i++) {
                        int k = i;
                        fw.add(pool.submit(() -> ImageMetrics.psnrRgb(Evaluation.quantise8(cb.wiener(blurry.get(k),
                                ests[k].sigma() * gamma, ests[k].noiseRatio())), faces.get(k))));
                    }
                    for (int i = 0; i < v.length; i++) {
                        v[i] = fw.get(i).get();
                    }
                    double m = mean(v);
                    System.out.printf(Locale.ROOT, "wiener gamma=%.2f lambda=%.3g: %.3f%n", gamma, lambda, m);
                    if (m > bestW) {
                        bestW = m;
                        bestWs = gamma + "/" + lambda;
                    }
                }
            }
            System.out.println("BEST wiener gamma/lambda = " + bestWs + " : " + bestW);
        } finally {
            pool.shutdownNow();
        }
    }

    private interface ToDouble {
        double apply(FaceImage f) throws Exception;
    }

    private static double[] map(ExecutorService pool, List<FaceImage> faces, ToDouble fn) throws Exception {
        List<Future<Double>> fs = new ArrayList<>();
        for (FaceImage f : faces) {
            fs.add(pool.submit(() -> fn.apply(f)));
        }
        double[] out = new double[faces.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = fs.get(i).get();
        }
        return out;
    }

    /** Gaussian blur of a face (mirror borders), for the estimator checks. */
    static FaceImage gaussian(FaceImage f, double sigma) {
        int w = f.width();
        int h = f.height();
        int n = w * h;
        float[] p = f.toPlanarFloat();
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            double[] plane = new double[n];
            for (int i = 0; i < n; i++) {
                plane[i] = p[c * n + i];
            }
            double[] b = ClassicalBaseline.gaussianBlur(plane, w, h, sigma);
            for (int i = 0; i < n; i++) {
                out[c * n + i] = (float) Math.min(1, Math.max(0, b[i]));
            }
        }
        return FaceImage.fromPlanarFloat(w, h, out);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double round(double v, double step) {
        return Math.round(v / step) * step;
    }
}

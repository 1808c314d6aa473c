package io.smfd.eval;

import io.smfd.BlurAssessment;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import io.smfd.degrade.Degradation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The blur guard's targets (issue 25) measured on the deployment matrix's inputs, exactly as
 * {@link DeploymentMatrix} makes them (same faces, blurs, seeds {@link DeploymentMatrix#SEED_BASE}{@code  + 1000 b
 * + i}, 8-bit quantisation and framing), without the matchers: per cell the share passed through and the share
 * "missed" (passed through although the forced model gains at least {@value DeploymentMatrix#MISSED_GAIN_DB} dB
 * PSNR, the matrix's definition); over all cells the ROC AUC of the severity for that gain and the Spearman
 * correlation of the extent with the kernel's true radius of gyration at the geometry's scale; and, per geometry,
 * the share of sharp faces (every face of the split, framed as the geometry frames it) passed through.
 *
 * <pre>
 * java -cp smfd-cli/target/smfd-cli.jar io.smfd.eval.AssessmentTargets [--data DIR] [--split eval] [--faces 50]
 *     [--sharp-faces 500] [--model FILE.onnx] [--backend onnx] [--threads 2] [--cache target/targets-eval.csv]
 *     [--pass-thresholds 0.5,0.3,0.2,0.1]
 * </pre>
 * {@code --pass-thresholds} adds the trade-off of {@code Deblurrer.Builder#passThroughBelow}: per severity
 * threshold and geometry, the sharp faces passed through, the matrix inputs missed and the cells over 5%.
 * The cache holds the forced model's PSNR per face, cell and geometry (it depends on the model only), so the
 * assessment can be re-measured after a new calibration without running the model again; delete it when the
 * model changes.
 */
public final class AssessmentTargets {

    private AssessmentTargets() {
    }

    /** One matrix input: its cell, true extent, gain of the forced model, and the assessment. */
    record Outcome(int id, DeploymentMatrix.Geometry geometry, int cell, double rg, double psnrIn,
                   double psnrForced, BlurAssessment assessment) {
        double gain() {
            return psnrForced - psnrIn;
        }

        boolean passed() {
            return !assessment.needsDeblurring();
        }

        boolean missed() {
            return passed() && worthDeblurring();
        }

        /** Missed under a pass-through line other than the default. */
        boolean missed(double threshold) {
            return passedBelow(assessment, threshold) && worthDeblurring();
        }

        private boolean worthDeblurring() {
            return gain() >= DeploymentMatrix.MISSED_GAIN_DB;
        }
    }

    /** Whether a face is passed through under {@code Deblurrer.Builder#passThroughBelow(threshold)}. */
    static boolean passedBelow(BlurAssessment a, double threshold) {
        return a.severity() < threshold;
    }

    /**
     * Runs the measurement.
     *
     * @param args see the class comment
     * @throws Exception on I/O or backend errors
     */
    public static void main(String[] args) throws Exception {
        Path data = FaceDataset.locate().orElse(Path.of("../shared/data/celebamask-hq-mini"));
        String split = "eval";
        int faces = 50;
        int sharpFaces = 500;
        String backend = "onnx";
        int threads = 2;
        Path model = null;
        Path cache = Path.of("target/assessment-targets.csv");
        double[] thresholds = {};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--split" -> split = args[++i];
                case "--faces" -> faces = Integer.parseInt(args[++i]);
                case "--sharp-faces" -> sharpFaces = Integer.parseInt(args[++i]);
                case "--backend" -> backend = args[++i];
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--model" -> model = Path.of(args[++i]);
                case "--cache" -> cache = Path.of(args[++i]);
                case "--pass-thresholds" -> thresholds = java.util.Arrays.stream(args[++i].split(","))
                        .mapToDouble(Double::parseDouble).toArray();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        FaceDataset ds = new FaceDataset(data, split);
        List<Integer> all = ds.ids();
        Deblurrer.Builder b = Deblurrer.builder().backend(backend).sharpFaces(SharpFacePolicy.DEBLUR)
                .threads(Math.max(1, Runtime.getRuntime().availableProcessors() / threads));
        if (model != null) {
            b.model(model);
        }
        try (Deblurrer d = b.build()) {
            System.out.println("model: " + d.modelInfo().name() + " " + d.modelInfo().version() + "; calibration: "
                    + d.modelInfo().assessmentCalibration());
            List<Outcome> cells = matrix(ds, all.subList(0, Math.min(faces, all.size())), d, threads, cache, System.err);
            List<BlurAssessment[]> sharp = sharp(ds, all.subList(0, Math.min(sharpFaces, all.size())), d, threads);
            report(cells, sharp, System.out);
            if (thresholds.length > 0) {
                tradeOff(cells, sharp, thresholds, System.out);
            }
        }
    }

    static List<Outcome> matrix(FaceDataset ds, List<Integer> ids, Deblurrer d, int threads, Path cache,
                                PrintStream log) throws Exception {
        Map<String, Double> cached = readCache(cache);
        List<DeploymentMatrix.Blur> blurs = DeploymentMatrix.blurs();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Outcome>>> futures = new ArrayList<>();
            for (int id : ids) {
                futures.add(pool.submit(() -> {
                    FaceImage sharp256 = Evaluation.quantise8(ds.image(id));
                    List<Outcome> out = new ArrayList<>();
                    for (DeploymentMatrix.Blur blur : blurs) {
                        long seed = DeploymentMatrix.SEED_BASE + 1000L * blur.index() + id;
                        for (int noisy = 0; noisy < 2; noisy++) {
                            Degradation deg = (noisy == 1 ? blur.noisy() : blur.clean()).sample(seed);
                            FaceImage degraded = Evaluation.quantise8(deg.applyTo(sharp256));
                            double rg256 = Evaluation.radiusOfGyration(deg.kernel(), deg.kernelSize());
                            for (DeploymentMatrix.Geometry g : DeploymentMatrix.Geometry.values()) {
                                FaceImage ref = g.frame(sharp256);
                                FaceImage in = g.frame(degraded);
                                int cell = 2 * blur.index() + noisy;
                                double psnrIn = ImageMetrics.psnrRgb(in, ref);
                                Double forced = cached.get(id + "," + g + "," + cell);
                                if (forced == null) {
                                    forced = ImageMetrics.psnrRgb(Evaluation.quantise8(d.deblur(in)), ref);
                                }
                                out.add(new Outcome(id, g, cell, rg256 * AssessmentCalibration.scaleOf(g),
                                        psnrIn, forced, d.assess(in)));
                            }
                        }
                    }
                    return out;
                }));
            }
            List<Outcome> all = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                all.addAll(futures.get(i).get());
                writeCache(cache, all); // a stopped run keeps the faces it finished
                log.printf(Locale.ROOT, "[targets] %d/%d faces%n", i + 1, futures.size());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    static List<BlurAssessment[]> sharp(FaceDataset ds, List<Integer> ids, Deblurrer d, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<BlurAssessment[]>> futures = new ArrayList<>();
            for (int id : ids) {
                futures.add(pool.submit(() -> {
                    FaceImage sharp256 = Evaluation.quantise8(ds.image(id));
                    DeploymentMatrix.Geometry[] gs = DeploymentMatrix.Geometry.values();
                    BlurAssessment[] a = new BlurAssessment[gs.length];
                    for (DeploymentMatrix.Geometry g : gs) {
                        a[g.ordinal()] = d.assess(g.frame(sharp256));
                    }
                    return a;
                }));
            }
            List<BlurAssessment[]> out = new ArrayList<>();
            for (Future<BlurAssessment[]> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One geometry at one pass-through threshold: sharp faces passed, matrix inputs missed, cells over 5%. */
    record TradeOff(double threshold, DeploymentMatrix.Geometry geometry, double sharpPassed, double missed,
                    int cellsOver5) {
    }

    /**
     * The trade-off of a pass-through threshold other than {@link BlurAssessment#THRESHOLD}: a face is passed
     * through when its severity is below {@code threshold}.
     */
    static List<TradeOff> tradeOff(List<Outcome> cells, List<BlurAssessment[]> sharp, double threshold) {
        List<TradeOff> out = new ArrayList<>();
        for (DeploymentMatrix.Geometry g : DeploymentMatrix.Geometry.values()) {
            int sp = 0;
            for (BlurAssessment[] a : sharp) {
                sp += passedBelow(a[g.ordinal()], threshold) ? 1 : 0;
            }
            Map<Integer, int[]> perCell = new java.util.TreeMap<>();
            int n = 0;
            int missed = 0;
            for (Outcome o : cells) {
                if (o.geometry() != g) {
                    continue;
                }
                boolean m = o.missed(threshold);
                int[] c = perCell.computeIfAbsent(o.cell(), k -> new int[2]);
                c[0]++;
                c[1] += m ? 1 : 0;
                n++;
                missed += m ? 1 : 0;
            }
            int over = 0;
            for (int[] c : perCell.values()) {
                over += c[1] > 0.05 * c[0] ? 1 : 0;
            }
            out.add(new TradeOff(threshold, g, sharp.isEmpty() ? Double.NaN : (double) sp / sharp.size(),
                    n == 0 ? Double.NaN : (double) missed / n, over));
        }
        return out;
    }

    static void tradeOff(List<Outcome> cells, List<BlurAssessment[]> sharp, double[] thresholds, PrintStream out) {
        out.println("pass-through threshold trade-off (passThroughBelow): threshold, geometry, sharp faces passed"
                + " through, matrix inputs missed, cells with missed > 5%");
        for (double t : thresholds) {
            for (TradeOff x : tradeOff(cells, sharp, t)) {
                out.printf(Locale.ROOT, "  %.2f  %-28s sharp passed %5.1f%%  missed %4.1f%%  cells over 5%%: %d%n", t,
                        x.geometry().label, 100 * x.sharpPassed(), 100 * x.missed(), x.cellsOver5());
            }
        }
    }

    static void report(List<Outcome> cells, List<BlurAssessment[]> sharp, PrintStream out) {
        List<DeploymentMatrix.Blur> blurs = DeploymentMatrix.blurs();
        int worse = 0;
        for (DeploymentMatrix.Geometry g : DeploymentMatrix.Geometry.values()) {
            int passed = 0;
            int missed = 0;
            int n = 0;
            double worst = 0;
            String worstCell = "";
            out.printf(Locale.ROOT, "%s:%n", g.label);
            for (int cell = 0; cell < 2 * blurs.size(); cell++) {
                int cp = 0;
                int cm = 0;
                int cn = 0;
                double gain = 0;
                for (Outcome o : cells) {
                    if (o.geometry() == g && o.cell() == cell) {
                        cn++;
                        cp += o.passed() ? 1 : 0;
                        cm += o.missed() ? 1 : 0;
                        gain += o.gain();
                    }
                }
                if (cn == 0) {
                    continue;
                }
                passed += cp;
                missed += cm;
                n += cn;
                String label = blurs.get(cell / 2).label() + (cell % 2 == 1 ? " + noise/JPEG" : "");
                double share = (double) cm / cn;
                worse += share > 0.05 ? 1 : 0;
                if (share >= worst) {
                    worst = share;
                    worstCell = label;
                }
                out.printf(Locale.ROOT, "  %-34s n %3d  passed %5.1f%%  missed %5.1f%%%s  mean gain %+.2f dB%n", label,
                        cn, 100.0 * cp / cn, 100.0 * share, share > 0.05 ? " (>5%)" : "", gain / cn);
            }
            int sp = 0;
            for (BlurAssessment[] a : sharp) {
                sp += a[g.ordinal()].needsDeblurring() ? 0 : 1;
            }
            out.printf(Locale.ROOT, "  all cells: passed %.1f%%, missed %.1f%% (worst %.1f%%: %s); sharp faces passed"
                            + " through %d/%d (%.1f%%)%n", 100.0 * passed / n, 100.0 * missed / n, 100 * worst, worstCell,
                    sp, sharp.size(), 100.0 * sp / sharp.size());
        }
        double[] severity = cells.stream().mapToDouble(o -> o.assessment().severity()).toArray();
        boolean[] label = new boolean[cells.size()];
        for (int i = 0; i < label.length; i++) {
            label[i] = cells.get(i).gain() >= DeploymentMatrix.MISSED_GAIN_DB;
        }
        double[] extent = cells.stream().mapToDouble(o -> o.assessment().extentPixels()).toArray();
        double[] rg = cells.stream().mapToDouble(Outcome::rg).toArray();
        // with the sharp faces: the same question over the matrix's inputs and the sharp ones (gain < 0.5 dB)
        List<Double> sevAll = new ArrayList<>();
        List<Boolean> labAll = new ArrayList<>();
        List<Double> extAll = new ArrayList<>();
        List<Double> rgAll = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            sevAll.add(severity[i]);
            labAll.add(label[i]);
            extAll.add(extent[i]);
            rgAll.add(rg[i]);
        }
        for (BlurAssessment[] a : sharp) {
            for (BlurAssessment x : a) {
                sevAll.add(x.severity());
                labAll.add(false);
                extAll.add(x.extentPixels());
                rgAll.add(0.0);
            }
        }
        boolean[] lab = new boolean[labAll.size()];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = labAll.get(i);
        }
        int positives = 0;
        for (boolean l : label) {
            positives += l ? 1 : 0;
        }
        out.printf(Locale.ROOT, "over all %d cells' inputs (%d gain >= %.1f dB): ROC AUC(severity) %.4f, Spearman(extent,"
                        + " r_g) %.4f; with the sharp faces added: AUC %.4f, Spearman %.4f; cells with missed > 5%%: %d%n",
                cells.size(), positives, DeploymentMatrix.MISSED_GAIN_DB, AssessmentStats.rocAuc(severity, label),
                AssessmentStats.spearman(extent, rg),
                AssessmentStats.rocAuc(sevAll.stream().mapToDouble(Double::doubleValue).toArray(), lab),
                AssessmentStats.spearman(extAll.stream().mapToDouble(Double::doubleValue).toArray(),
                        rgAll.stream().mapToDouble(Double::doubleValue).toArray()), worse);
    }

    private static Map<String, Double> readCache(Path cache) throws IOException {
        Map<String, Double> m = new java.util.concurrent.ConcurrentHashMap<>();
        if (cache != null && Files.isRegularFile(cache)) {
            for (String line : Files.readAllLines(cache, StandardCharsets.UTF_8)) {
                String[] f = line.split(",");
                if (f.length == 5 && !line.startsWith("split")) {
                    m.put(f[1] + "," + f[2] + "," + f[3], Double.parseDouble(f[4]));
                }
            }
        }
        return m;
    }

    private static void writeCache(Path cache, List<Outcome> all) throws IOException {
        if (cache == null) {
            return;
        }
        StringBuilder sb = new StringBuilder("split,id,geometry,cell,psnr_forced\n");
        for (Outcome o : all) {
            sb.append(String.format(Locale.ROOT, "m,%d,%s,%d,%s%n", o.id(), o.geometry(), o.cell(),
                    Double.toString(o.psnrForced())));
        }
        if (cache.getParent() != null) {
            Files.createDirectories(cache.getParent());
        }
        Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}

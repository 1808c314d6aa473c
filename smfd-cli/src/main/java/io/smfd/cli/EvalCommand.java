package io.smfd.cli;

import io.smfd.eval.DeploymentMatrix;
import io.smfd.eval.Evaluation;
import io.smfd.eval.FaceDataset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code smfd eval}: evaluates SMFD and the classical baselines on the held-out CelebAMask-HQ mini
 * faces (pixel metrics, identity with the dlib face descriptor, verification TAR at fixed FAR, do no harm on
 * sharp and mildly blurred faces, NIQE) and writes {@code report.md}, {@code report.json},
 * {@code per_image.csv}, {@code do_no_harm.csv} and {@code grid.png}. NIQE's pristine model is read from
 * {@code -Dsmfd.niqe.params=FILE} or {@code ../shared/data/niqe/}; without it that section is skipped.
 *
 * <pre>
 * java -jar smfd-cli/target/smfd-cli.jar eval [--data DIR] [--limit N] [--backend auto|onnx|cpu|none]
 *      [--threads N] [--out DIR] [--model FILE.onnx] [--grid N] [--matrix | --no-matrix] [--matrix-faces N]
 * </pre>
 *
 * Exit codes: 0 success, 1 failure (data, backend, I/O), 2 usage error.
 */
public final class EvalCommand {

    private EvalCommand() {
    }

    /**
     * Runs the command.
     *
     * @param args arguments after {@code eval}
     * @param out  standard output (final summary)
     * @param err  standard error (progress, errors)
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path data = null;
        int limit = 0;
        String backend = "auto";
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 4));
        Path outDir = Path.of("target", "eval");
        Path model = null;
        int grid = 6;
        Evaluation.MatrixMode matrix = Evaluation.MatrixMode.WITH;
        int matrixFaces = DeploymentMatrix.DEFAULT_FACES;
        List<io.smfd.ModelChoice> matrixModels = List.of(io.smfd.ModelChoice.SMFD);
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--data" -> data = Path.of(value(args, ++i, a));
                    case "--limit" -> limit = positive(value(args, ++i, a), a);
                    case "--backend" -> backend = value(args, ++i, a);
                    case "--threads" -> threads = positive(value(args, ++i, a), a);
                    case "--out" -> outDir = Path.of(value(args, ++i, a));
                    case "--model" -> model = Path.of(value(args, ++i, a));
                    case "--grid" -> grid = Integer.parseInt(value(args, ++i, a));
                    case "--matrix" -> matrix = Evaluation.MatrixMode.ONLY;
                    case "--no-matrix" -> matrix = Evaluation.MatrixMode.NONE;
                    case "--matrix-faces" -> matrixFaces = positive(value(args, ++i, a), a);
                    case "--models" -> matrixModels = DeblurCommand.parseModels(value(args, ++i, a), a);
                    case "-h", "--help" -> {
                        usage(out);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("eval: " + e.getMessage());
            usage(err);
            return 2;
        }
        if (data == null) {
            Optional<Path> found = FaceDataset.locate();
            if (found.isEmpty()) {
                err.println("eval: cannot find ../shared/data/" + FaceDataset.DATASET_DIR
                        + " from the working directory; pass --data DIR");
                return 1;
            }
            data = found.get();
        }
        if (model != null && !Files.isRegularFile(model)) {
            err.println("eval: model file not found: " + model.toAbsolutePath());
            return 1;
        }
        StringBuilder cmd = new StringBuilder("smfd eval");
        for (String a : args) {
            cmd.append(' ').append(a);
        }
        Evaluation.Options o = new Evaluation.Options(data, limit, backend, threads, outDir, model, grid,
                cmd.toString(), err, matrix, matrixFaces, matrixModels);
        try {
            Path report = Evaluation.run(o).reportMarkdown();
            out.println("Report: " + report.toAbsolutePath());
            if (matrix != Evaluation.MatrixMode.ONLY) {
                out.println("Grid:   " + report.resolveSibling("grid.png").toAbsolutePath());
            }
            return 0;
        } catch (IOException e) {
            err.println("eval: " + e.getMessage());
            return 1;
        }
    }


    private static String value(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a value");
        }
        return args[i];
    }

    private static int positive(String v, String opt) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs an integer, got '" + v + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException(opt + " must be >= 1, got " + n);
        }
        return n;
    }

    static void usage(PrintStream s) {
        s.println("Usage: smfd eval [options]");
        s.println("Evaluates SMFD, unsharp masking and blind Wiener deconvolution on the held-out faces");
        s.println("(eval/images 4500-4999, degraded with DegradationPipeline.defaults(), seed 20260000 + id):");
        s.println("pixel metrics, identity (dlib face descriptor), TAR at FAR 1e-2/1e-3, do no harm on sharp and");
        s.println("mildly blurred faces, NIQE (pristine model from -Dsmfd.niqe.params=FILE or ../shared/data/niqe/);");
        s.println("then the deployment matrix (256 / 160 / 112-crop geometries x 12 blur strengths x clean / noise +");
        s.println("JPEG: PSNR, SSIM, dlib and mobileface distance, default policy vs forced) and hard verification");
        s.println("(112 px probes: TAR at FAR 1e-2/1e-3 and rank-1 on both matchers).");
        s.println("Options:");
        s.println("  --data DIR      celebamask-hq-mini root (default: found as ../shared/data/celebamask-hq-mini)");
        s.println("  --limit N       evaluate only the first N faces");
        s.println("  --backend NAME  auto (default: best available), onnx, cpu, or none (baselines only)");
        s.println("  --threads N     faces processed in parallel (default min(CPUs, 4))");
        s.println("  --out DIR       output directory (default target/eval)");
        s.println("  --model FILE    evaluate this SMFD-UNet .onnx instead of the bundled model");
        s.println("  --grid N        faces shown in grid.png (default 6)");
        s.println("  --matrix        run only the deployment matrix and hard verification (report.md, report.json,");
        s.println("                  matrix.csv)");
        s.println("  --no-matrix     skip the deployment matrix and hard verification");
        s.println("  --matrix-faces N  faces per matrix cell (default " + DeploymentMatrix.DEFAULT_FACES
                + "; --limit caps it; hard verification uses");
        s.println("                  all faces up to --limit)");
        s.println("  --models LIST   model rows of the matrix and hard verification: smfd (default), maxim, auto,");
        s.println("                  comma-separated, e.g. smfd,maxim,auto (maxim and auto need io.smfd:smfd-model-maxim)");
    }
}

package io.smfd.cli;

import io.smfd.BlurAssessment;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.SmfdException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code smfd assess <file-or-dir>... [--csv] [--recursive] [--backend NAME]}: prints the blur assessment
 * ({@link Deblurrer#assess(FaceImage)}) of every face: severity, estimated extent and whether SMFD would deblur
 * it under the default policy. Unreadable files are reported on standard error and skipped (exit code 1 at
 * the end).
 */
final class AssessCommand {

    private static final String SYNOPSIS = "smfd assess <file-or-dir>... [--csv] [--recursive] [--backend NAME]";
    /** CSV header of {@code --csv}. */
    static final String CSV_HEADER = "file,width,height,severity,extent_px,needs_deblurring,assess_ms,kind,anisotropy,noise_sigma";

    private AssessCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> inputs = new ArrayList<>();
        boolean csv = false;
        boolean recursive = false;
        String backend = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--csv" -> csv = true;
                    case "--recursive", "-r" -> recursive = true;
                    case "--backend" -> backend = Cli.value(args, ++i, a);
                    case "--help", "-h" -> {
                        usage(out);
                        return Cli.EXIT_OK;
                    }
                    default -> {
                        if (a.startsWith("-") && a.length() > 1) {
                            throw new Cli.UsageException("unknown option '" + a + "'");
                        }
                        inputs.add(Path.of(a));
                    }
                }
            }
            if (inputs.isEmpty()) {
                throw new Cli.UsageException("no input files or folders given");
            }
            if (backend != null && backend.isBlank()) {
                throw new Cli.UsageException("--backend needs a name");
            }
        } catch (Cli.UsageException e) {
            err.println("smfd assess: " + e.getMessage());
            err.println("Usage: " + SYNOPSIS + "   (smfd assess --help for details)");
            return Cli.EXIT_USAGE;
        }
        List<Path> files;
        List<String> skipped = new ArrayList<>();
        try {
            files = ImageFiles.collect(inputs, recursive, skipped);
        } catch (IOException e) {
            err.println("smfd assess: cannot list " + e.getMessage());
            return Cli.EXIT_FAILURE;
        } catch (IllegalArgumentException e) {
            err.println("smfd assess: " + e.getMessage());
            return Cli.EXIT_FAILURE;
        }
        for (String line : skipped) {
            err.println("smfd assess: " + line);
        }
        if (files.isEmpty()) {
            err.println("smfd assess: no image files found in " + inputs);
            return Cli.EXIT_FAILURE;
        }
        Deblurrer.Builder b = Deblurrer.builder().threads(1);
        if (backend != null) {
            b.backend(backend);
        }
        int failed = skipped.size();
        int needing = 0;
        double totalMs = 0;
        try (Deblurrer d = Interrupts.critical("loading the model", b::build)) {
            if (csv) {
                out.println(CSV_HEADER);
            }
            for (Path f : files) {
                FaceImage face;
                try {
                    face = ImageFiles.read(f);
                } catch (IOException | SmfdException e) {
                    failed++;
                    err.println("smfd assess: " + f + ": " + e.getMessage());
                    continue;
                }
                long t0 = System.nanoTime();
                BlurAssessment a = d.assess(face);
                double ms = (System.nanoTime() - t0) / 1e6;
                totalMs += ms;
                needing += a.needsDeblurring() ? 1 : 0;
                if (csv) {
                    out.printf(Locale.ROOT, "%s,%d,%d,%.4f,%.3f,%s,%.3f,%s,%.3f,%.2f%n", csvField(f.toString()),
                            face.width(), face.height(), a.severity(), a.extentPixels(), a.needsDeblurring(), ms,
                            a.kind(), a.anisotropy(), a.noiseSigma());
                } else {
                    out.printf(Locale.ROOT, "%s  %dx%d  severity %.2f  extent %.1f px  %s  noise %.1f  %s%n", f,
                            face.width(), face.height(), a.severity(), a.extentPixels(), a.kind(), a.noiseSigma(),
                            a.needsDeblurring() ? "needs deblurring" : "sharp enough: passed through by default");
                }
            }
        }
        int assessed = files.size() + skipped.size() - failed;
        if (!csv && assessed > 0) {
            out.printf(Locale.ROOT, "%d of %d face(s) need deblurring (severity >= %.1f); %.2f ms per face%n",
                    needing, assessed, BlurAssessment.THRESHOLD, totalMs / assessed);
        }
        if (failed > 0) {
            err.println("smfd assess: " + failed + " of " + (files.size() + skipped.size()) + " file(s) failed");
            return Cli.EXIT_FAILURE;
        }
        return Cli.EXIT_OK;
    }

    /** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
    static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    static void usage(PrintStream s) {
        s.println("Usage: " + SYNOPSIS);
        s.println("Prints how blurred each aligned face crop is, without deblurring it:");
        s.println("  severity   0..1, how clearly the face is degraded rather than sharp (the model's calibration; 0.5 = its size's threshold)");
        s.println("  extent     estimated blur extent (radius of gyration of the blur kernel), pixels");
        s.println("  kind       ISOTROPIC, DIRECTIONAL (motion-like: anisotropy >= " + BlurAssessment.DIRECTIONAL_ANISOTROPY
                + ") or UNMEASURABLE (flat, featureless, noise only or < " + BlurAssessment.MIN_MEASURABLE_SIZE + " px)");
        s.println("  noise      estimated noise sigma, 8-bit levels");
        s.println("  decision   needs deblurring when severity >= " + BlurAssessment.THRESHOLD
                + "; otherwise smfd deblur passes the face through unchanged");
        s.println("  <file-or-dir>     image files (any ImageIO format) or folders of them");
        s.println("  --csv             CSV instead of text: " + CSV_HEADER);
        s.println("  --recursive       include sub-folders");
        s.println("  --backend NAME    backend to load (the assessment is the same on every backend)");
    }
}

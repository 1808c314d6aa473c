package io.smfd.cli;

import io.smfd.DeblurResult;
import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import io.smfd.SmfdException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code smfd deblur}: deblurs face crops from files and folders.
 *
 * <pre>
 * smfd deblur &lt;file-or-dir&gt;... --out DIR [--backend NAME] [--device auto|cpu|gpu] [--threads N]
 *             [--masks] [--format png] [--recursive] [--batch N] [--model FILE.onnx]
 * </pre>
 *
 * <p>Folders contribute every file whose extension an ImageIO reader accepts (not recursively unless
 * {@code --recursive}); files named explicitly are always tried. For each input {@code NAME.ext} it writes
 * {@code DIR/NAME.png} (or the {@code --format}) and, with {@code --masks}, {@code DIR/NAME.masks.png},
 * the predicted semantic masks drawn over the result ({@link io.smfd.FaceMasks#toOverlay}); the two are written
 * together or not at all. An output that would overwrite an input (compared as files: also through a symbolic or
 * hard link) is written as {@code NAME.deblurred.png} instead; one whose path is a device, FIFO, symbolic link or
 * folder is refused. Outputs renamed to keep names unique are listed as {@code input -> output}. The output folder
 * is checked for writing before the model is loaded. Faces are processed in
 * chunks of {@code --batch} with {@link Deblurrer#deblurAll(List)} (same-size faces share one inference
 * run). With more than one input a one-line progress bar (count, faces/s, ETA) is drawn on standard error.
 *
 * <p>An unreadable or corrupt image, a folder entry named like an image that is not a regular file (a folder
 * {@code x.jpg}, a broken link) and a refused output are reported as one line naming the file and skipped; the exit
 * code is then 1 after all other files are done. Ctrl-C lets the step in flight finish (see {@link Interrupts}),
 * ends the progress line, prints {@code smfd: interrupted} and exits with 130. Usage errors exit with 2; a backend or
 * model that cannot be loaded exits with 1.
 */
final class DeblurCommand {

    private static final Logger LOG = LoggerFactory.getLogger(DeblurCommand.class);

    /** Default number of faces per {@code deblurAll} call. */
    static final int DEFAULT_BATCH = 4;

    private DeblurCommand() {
    }

    /** Parsed command line. */
    static final class Options {
        final List<Path> inputs = new ArrayList<>();
        Path out;
        String backend;
        Device device = Device.AUTO;
        Integer threads;
        boolean masks;
        String format = "png";
        boolean recursive;
        int batch = DEFAULT_BATCH;
        Path model;
        /** {@code --model smfd|maxim|auto}. */
        io.smfd.ModelChoice choice = io.smfd.ModelChoice.SMFD;
        /** {@code --deblur-sharp}: run the network on faces the assessment finds sharp, too. */
        boolean deblurSharp;
        /** {@code --pass-below S}: severity below which a face is passed through; null = the default line. */
        Double passBelow;
    }

    /**
     * Runs the command.
     *
     * @param args arguments after {@code deblur}
     * @param out  standard output (summary, written files)
     * @param err  standard error (progress bar, per-file errors)
     * @return the exit code
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = parse(args);
            if (o == null) {
                usage(out);
                return Cli.EXIT_OK;
            }
        } catch (Cli.UsageException e) {
            err.println("smfd deblur: " + e.getMessage());
            err.println("Usage: " + SYNOPSIS + "   (smfd deblur --help for details)");
            return Cli.EXIT_USAGE;
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        if (o.threads != null && o.threads > cpus) {
            err.println("smfd deblur: --threads " + o.threads + " capped at " + cpus + " (the available processors;"
                    + " more threads only slow the backend down)");
            o.threads = cpus;
        }
        List<Path> files;
        List<String> skipped = new ArrayList<>();
        try {
            files = ImageFiles.collect(o.inputs, o.recursive, skipped);
        } catch (IOException e) {
            err.println("smfd deblur: cannot list " + e.getMessage());
            return Cli.EXIT_FAILURE;
        } catch (IllegalArgumentException e) {
            err.println("smfd deblur: " + e.getMessage());
            return Cli.EXIT_FAILURE;
        }
        for (String line : skipped) {
            err.println("smfd deblur: " + line);
        }
        if (files.isEmpty()) {
            err.println("smfd deblur: no image files found in " + o.inputs + " (readable formats: "
                    + String.join(", ", ImageFiles.readerSuffixes()) + ")");
            return Cli.EXIT_FAILURE;
        }
        // Checked before the model loads and any face is processed; the folder itself is created when the first file
        // is written (ImageFiles.write), so a backend, model or input failure leaves no empty folder behind.
        String unwritable = unwritableReason(o.out);
        if (unwritable != null) {
            err.println("smfd deblur: cannot write to " + o.out + ": " + unwritable);
            return Cli.EXIT_FAILURE;
        }
        Map<Path, Path> targets = targets(files, o.out, o.format, o.masks);

        Deblurrer.Builder b = Deblurrer.builder().device(o.device);
        if (o.backend != null) {
            b.backend(o.backend);
        }
        if (o.threads != null) {
            b.threads(o.threads);
        }
        if (o.model != null) {
            b.model(o.model);
        }
        b.modelChoice(o.choice);
        b.sharpFaces(o.deblurSharp ? SharpFacePolicy.DEBLUR : SharpFacePolicy.PASS_THROUGH);
        if (o.passBelow != null) {
            b.passThroughBelow(o.passBelow);
        }
        int[] passed = {0}; // faces returned unchanged because they did not need deblurring
        int failed = skipped.size();
        int done = 0;
        long start = System.nanoTime();
        List<Path> writtenFiles = new ArrayList<>();
        // SmfdException propagates: "smfd: <reason>", exit 1. Loading runs native code (ONNX Runtime): Ctrl-C waits
        // for it (Interrupts), and the interrupt handler closes the backend, under the same lock, before the exit.
        Deblurrer deblurrer = Interrupts.critical("loading the model", () -> {
            // logged inside the step, so that a Ctrl-C after this line is reported as during the load
            LOG.debug("smfd deblur: loading the model");
            Deblurrer d = b.build();
            Interrupts.onInterrupt(d::close); // set before the lock is released
            return d;
        });
        Progress progress = files.size() > 1 ? new Progress(err, files.size()) : null;
        Interrupts.onInterrupt(() -> {
            if (progress != null) {
                progress.interrupt();
            }
            deblurrer.close();
        });
        if (progress != null) {
            progress.update(0); // drawn once the interrupt handler knows it
        }
        try {
            for (int from = 0; from < files.size(); from += o.batch) {
                List<Path> chunk = files.subList(from, Math.min(files.size(), from + o.batch));
                List<Path> ok = new ArrayList<>();
                List<FaceImage> faces = new ArrayList<>();
                for (Path f : chunk) {
                    try {
                        faces.add(ImageFiles.read(f));
                        ok.add(f);
                    } catch (IOException | SmfdException e) {
                        failed++;
                        report(err, progress, f + ": " + e.getMessage());
                    }
                }
                failed += process(deblurrer, o, ok, faces, targets, err, progress, passed, writtenFiles);
                done += chunk.size();
                if (progress != null) {
                    progress.update(done);
                }
            }
            if (progress != null) {
                progress.finish();
            }
            double secs = (System.nanoTime() - start) / 1e9;
            int written = writtenFiles.size();
            if (files.size() == 1 && written == 1) {
                out.println("wrote " + targets.get(files.get(0)).toAbsolutePath()
                        + (o.masks ? " (+ masks overlay)" : ""));
            }
            for (Path f : writtenFiles) { // many inputs can share a name: say which output is which
                Path t = targets.get(f);
                if (!baseName(t).equals(baseName(f))) {
                    out.println("  " + f + " -> " + t);
                }
            }
            out.printf(Locale.ROOT, "deblurred %d of %d face(s) in %.1f s with backend %s (%s)%s -> %s%n",
                    written - passed[0], files.size() + skipped.size(), secs, deblurrer.backendName(),
                    deblurrer.device(), deblurrer.modelChoice() == io.smfd.ModelChoice.SMFD ? ""
                            : ", models " + deblurrer.modelChoice().name().toLowerCase(Locale.ROOT),
                    o.out.toAbsolutePath());
            if (passed[0] > 0) {
                if (lossless(o.format)) {
                    out.printf(Locale.ROOT, "passed through %d of %d face(s) unchanged: sharp enough (smfd assess shows"
                            + " why; --deblur-sharp deblurs them too)%n", passed[0], files.size());
                } else {
                    out.printf(Locale.ROOT, "passed through %d of %d face(s) without deblurring (sharp enough; smfd"
                            + " assess shows why), but re-encoded as lossy %s, so not bit-exact: --format png keeps"
                            + " them unchanged%n", passed[0], files.size(), o.format.toUpperCase(Locale.ROOT));
                }
            }
        } finally {
            Interrupts.criticalRun("closing the backend", () -> {
                Interrupts.onInterrupt(null);
                deblurrer.close();
            });
        }
        if (failed > 0) {
            err.println("smfd deblur: " + failed + " of " + (files.size() + skipped.size()) + " file(s) failed");
            return Cli.EXIT_FAILURE;
        }
        return Cli.EXIT_OK;
    }

    /** Formats whose round trip keeps every 8-bit RGB sample (others, such as JPEG and GIF, are lossy). */
    private static final Set<String> LOSSLESS = Set.of("png", "bmp", "tif", "tiff");

    static boolean lossless(String format) {
        return LOSSLESS.contains(format.toLowerCase(Locale.ROOT));
    }

    /**
     * Why files cannot be created in the output folder, checked before any face is processed; null if they can.
     * The folder need not exist: then its nearest existing ancestor must be a writable folder.
     */
    static String unwritableReason(Path out) {
        Path p = out.toAbsolutePath().normalize();
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return "no existing parent folder";
        }
        if (!Files.isDirectory(existing)) {
            return existing + " is not a folder";
        }
        if (!Files.isWritable(existing)) {
            return (existing.equals(p) ? "the folder" : "its parent folder " + existing)
                    + " is not writable (read-only file system or no write permission)";
        }
        return null;
    }

    /** Deblurs and writes one chunk; returns the number of failures. */
    private static int process(Deblurrer d, Options o, List<Path> files, List<FaceImage> faces,
            Map<Path, Path> targets, PrintStream err, Progress progress, int[] passed, List<Path> written) {
        if (files.isEmpty()) {
            return 0;
        }
        int failed = 0;
        if (!o.masks) {
            List<FaceImage> results = null;
            if (files.size() > 1) {
                try {
                    results = Interrupts.critical("deblurring", () -> d.deblurAll(faces));
                } catch (SmfdException e) {
                    results = null; // retry one by one so the failing file is named
                }
            }
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                try {
                    FaceImage face = faces.get(i);
                    FaceImage r = results != null ? results.get(i)
                            : Interrupts.critical("deblurring", () -> d.deblur(face));
                    ImageFiles.write(r.toBufferedImage(), o.format, targets.get(f));
                    written.add(f);
                    if (r == faces.get(i)) { // pass-through returns the very instance
                        passed[0]++;
                    }
                } catch (IOException | SmfdException e) {
                    failed++;
                    report(err, progress, f + ": " + e.getMessage());
                }
            }
            return failed;
        }
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            try {
                FaceImage face = faces.get(i);
                DeblurResult r = Interrupts.critical("deblurring", () -> d.deblurWithMasks(face));
                Path target = targets.get(f);
                // A face and its masks belong together: both files or neither (e.g. on a full disk).
                ImageFiles.writeAll(List.of(new ImageFiles.Output(r.image().toBufferedImage(), o.format, target),
                        new ImageFiles.Output(r.masks().orElseThrow().toOverlay(r.image()), o.format, masksPath(target, o.format))),
                        ImageFiles.FILES);
                written.add(f);
                if (!r.deblurred()) {
                    passed[0]++;
                }
            } catch (IOException | SmfdException e) {
                failed++;
                report(err, progress, f + ": " + e.getMessage());
            }
        }
        return failed;
    }

    private static void report(PrintStream err, Progress progress, String line) {
        if (progress != null) {
            progress.clear();
        }
        err.println("smfd deblur: " + line);
    }

    /** Reads one input strictly: see {@link ImageFiles#read(Path)} (kept for ImageCorpusTest). */
    static FaceImage read(Path f) throws IOException {
        return ImageFiles.read(f);
    }

    static Path masksPath(Path target, String format) {
        String name = target.getFileName().toString();
        String base = name.substring(0, name.length() - format.length() - 1);
        return target.resolveSibling(base + ".masks." + format);
    }

    /** Maps each input to its output path: NAME.format, de-duplicated, never the input itself. */
    static Map<Path, Path> targets(List<Path> files, Path outDir, String format) {
        return targets(files, outDir, format, false);
    }

    /**
     * Maps each input to its output path {@code NAME.format}: unique, and neither it nor (with masks) its
     * {@code NAME.masks.format} is any input file, compared as files (inodes), not as path text, so an input reached
     * through a symbolic link or a hard link is never overwritten. A name that is taken gets {@code -2}, {@code -3};
     * one that is an input becomes {@code NAME.deblurred.format}.
     */
    static Map<Path, Path> targets(List<Path> files, Path outDir, String format, boolean masks) {
        Set<Object> inputs = new HashSet<>();
        for (Path f : files) {
            inputs.add(ImageFiles.identity(f));
            inputs.add(f.toAbsolutePath().normalize()); // the same path is the same file, existing or not
        }
        Map<Path, Path> map = new LinkedHashMap<>();
        Set<Path> used = new HashSet<>();
        for (Path f : files) {
            String base = baseName(f);
            Path t = outDir.resolve(base + "." + format);
            if (isInput(t, inputs) || masks && isInput(masksPath(t, format), inputs)) {
                base = base + ".deblurred";
                t = outDir.resolve(base + "." + format);
            }
            for (int n = 2; isInput(t, inputs) || masks && isInput(masksPath(t, format), inputs)
                    || !used.add(t.toAbsolutePath().normalize()); n++) {
                t = outDir.resolve(base + "-" + n + "." + format);
            }
            map.put(f, t);
        }
        return map;
    }

    private static boolean isInput(Path candidate, Set<Object> inputs) {
        return inputs.contains(candidate.toAbsolutePath().normalize())
                || Files.exists(candidate) && inputs.contains(ImageFiles.identity(candidate));
    }

    private static String baseName(Path f) {
        String name = f.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static final String SYNOPSIS = "smfd deblur <file-or-dir>... --out DIR [--backend NAME]"
            + " [--device auto|cpu|gpu] [--threads N] [--masks] [--format png] [--recursive] [--batch N]"
            + " [--model FILE.onnx] [--deblur-sharp | --pass-below S]";

    /** Returns null for {@code --help}. */
    static Options parse(String[] args) throws Cli.UsageException {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--out", "-o" -> o.out = Path.of(Cli.value(args, ++i, a));
                case "--backend" -> o.backend = Cli.value(args, ++i, a);
                case "--device" -> o.device = device(Cli.value(args, ++i, a));
                case "--threads" -> o.threads = Cli.positive(Cli.value(args, ++i, a), a);
                case "--batch" -> o.batch = Cli.positive(Cli.value(args, ++i, a), a);
                case "--masks" -> o.masks = true;
                case "--recursive", "-r" -> o.recursive = true;
                case "--format" -> o.format = format(Cli.value(args, ++i, a));
                case "--model" -> {
                    String v = Cli.value(args, ++i, a);
                    java.util.Optional<io.smfd.ModelChoice> c = choice(v);
                    if (c.isPresent()) {
                        o.choice = c.get();
                    } else {
                        o.model = Path.of(v);
                    }
                }
                case "--deblur-sharp" -> o.deblurSharp = true;
                case "--pass-below" -> o.passBelow = severity(Cli.value(args, ++i, a), a);
                case "--help", "-h" -> {
                    return null;
                }
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        throw new Cli.UsageException("unknown option '" + a + "'");
                    }
                    o.inputs.add(Path.of(a));
                }
            }
        }
        if (o.inputs.isEmpty()) {
            throw new Cli.UsageException("no input files or folders given");
        }
        if (o.out == null) {
            throw new Cli.UsageException("--out DIR is required");
        }
        if (Files.exists(o.out) && !Files.isDirectory(o.out)) {
            throw new Cli.UsageException("--out must be a directory, but " + o.out + " is not");
        }
        if (o.deblurSharp && o.passBelow != null) {
            throw new Cli.UsageException("--pass-below and --deblur-sharp exclude each other (--deblur-sharp deblurs"
                    + " every face; --pass-below 0 does the same)");
        }
        if (o.backend != null && o.backend.isBlank()) {
            throw new Cli.UsageException("--backend needs a name");
        }
        return o;
    }

    private static double severity(String v, String opt) throws Cli.UsageException {
        try {
            double x = Double.parseDouble(v);
            if (x >= 0 && x <= 1) {
                return x;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new Cli.UsageException(opt + " needs a severity between 0 and 1, got '" + v + "'");
    }

    private static Device device(String v) throws Cli.UsageException {
        switch (v.toLowerCase(Locale.ROOT)) {
            case "auto":
                return Device.AUTO;
            case "cpu":
                return Device.CPU;
            case "gpu":
                return Device.GPU;
            default:
                throw new Cli.UsageException("--device must be auto, cpu or gpu, got '" + v + "'");
        }
    }

    private static String format(String v) throws Cli.UsageException {
        String f = v.toLowerCase(Locale.ROOT);
        if (!ImageIO.getImageWritersByFormatName(f).hasNext()) {
            throw new Cli.UsageException("--format: no image writer for '" + v + "'; available: "
                    + ImageFiles.rgbWriterFormats());
        }
        if (!ImageFiles.writesRgb(f)) { // e.g. wbmp: 1-bit only
            throw new Cli.UsageException("--format: '" + v + "' cannot store RGB images; use one of "
                    + ImageFiles.rgbWriterFormats());
        }
        return f;
    }

    /** {@code smfd}, {@code maxim} or {@code auto} (any case) as a model choice; empty for anything else (a file). */
    static java.util.Optional<io.smfd.ModelChoice> choice(String v) {
        for (io.smfd.ModelChoice c : io.smfd.ModelChoice.values()) {
            if (c.name().equalsIgnoreCase(v.trim())) {
                return java.util.Optional.of(c);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Parses a comma-separated list of model choices ({@code smfd,maxim,auto}).
     *
     * @throws IllegalArgumentException naming the option if an entry is not a choice or one repeats
     */
    static List<io.smfd.ModelChoice> parseModels(String v, String opt) {
        List<io.smfd.ModelChoice> out = new ArrayList<>();
        for (String part : v.split(",", -1)) {
            io.smfd.ModelChoice c = choice(part).orElseThrow(() -> new IllegalArgumentException(opt
                    + " takes a comma-separated list of smfd, maxim and auto, got '" + v + "'"));
            if (out.contains(c)) {
                throw new IllegalArgumentException(opt + " lists " + part.trim() + " twice");
            }
            out.add(c);
        }
        return List.copyOf(out);
    }

    static void usage(PrintStream s) {
        s.println("Usage: " + SYNOPSIS);
        s.println("Deblurs aligned face crops (16..2048 px per side) with SMFD-UNet.");
        s.println("  <file-or-dir>     image files (any ImageIO format) or folders of them");
        s.println("  --out DIR         output folder (created); writes NAME." + "png per input NAME.ext");
        s.println("  --masks           also write NAME.masks.png: the predicted face-part masks over the result");
        s.println("  --backend NAME    onnx, cpu or auto (default: best available; see smfd info)");
        s.println("  --device D        auto (default: GPU if the backend finds one), cpu or gpu");
        s.println("  --threads N       CPU threads for the backend (default min(CPUs, 4); at most the CPUs)");
        s.println("  --format F        output format that stores RGB (default png; e.g. jpg, bmp)");
        s.println("  --recursive       include sub-folders");
        s.println("  --batch N         faces per inference call (default " + DEFAULT_BATCH + ")");
        s.println("  --model M         smfd (default), maxim or auto: which model deblurs (maxim and auto need");
        s.println("                    io.smfd:smfd-model-maxim and the onnx backend; auto = MAXIM for clean motion");
        s.println("                    blur, SMFD for the rest; docs/maxim.md); or FILE, an SMFD-UNet .onnx file");
        s.println("                    instead of the bundled model");
        s.println("  --deblur-sharp    also run the network on faces the blur assessment finds sharp (default: they are");
        s.println("                    written unchanged, bit-exact in png/bmp/tiff, re-encoded in jpg/gif; the summary");
        s.println("                    counts them; see smfd assess)");
        s.println("  --pass-below S    pass through only faces with a blur severity below S (default 0.5, 0..1):");
        s.println("                    lower deblurs more mildly blurred faces (camera shake) and more sharp ones;");
        s.println("                    measured trade-off in docs/assessment.md");
        s.println("Unreadable, truncated or corrupt images are reported and skipped (exit code 1 at the end); an");
        s.println("output that would overwrite an input is written as NAME.deblurred.png; devices, FIFOs and links");
        s.println("are never replaced. Each output is written to a temporary file and moved into place, so a failed");
        s.println("write leaves no partial file; a face and its masks are written together or not at all. Ctrl-C");
        s.println("finishes the step in progress, then exits with 130.");
    }

    /** Single-line progress bar on standard error: {@code [#####-----]  12/50  3.4 faces/s  ETA 0:11}. */
    static final class Progress {
        private static final int WIDTH = 30;
        private static final long MIN_INTERVAL_NANOS = 200_000_000L;
        private final PrintStream err;
        private final int total;
        private final long start = System.nanoTime();
        private long lastDraw;
        private int lastLength;
        /** Whether the cursor is at the end of a drawn bar (the line is not finished). */
        private boolean open;

        /** Draws nothing until the first {@link #update}. */
        Progress(PrintStream err, int total) {
            this.err = err;
            this.total = total;
        }

        void update(int done) {
            long now = System.nanoTime();
            if (done >= total || now - lastDraw >= MIN_INTERVAL_NANOS) {
                draw(done);
            }
        }

        /** Drawing is an {@link Interrupts#critical} step: Ctrl-C never cuts a bar in half. */
        private void draw(int done) {
            Interrupts.criticalRun(null, () -> {
                lastDraw = System.nanoTime();
                err.print("\r" + line(done, (lastDraw - start) / 1e9));
                err.flush();
                open = true;
            });
        }

        String line(int done, double secs) {
            int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < WIDTH; i++) {
                b.append(i < filled ? '#' : '-');
            }
            b.append("] ").append(done).append('/').append(total);
            double rate = secs > 0 ? done / secs : 0;
            b.append(String.format(Locale.ROOT, "  %.1f faces/s", rate));
            if (done > 0 && done < total && rate > 0) {
                long eta = Math.round((total - done) / rate);
                b.append(String.format(Locale.ROOT, "  ETA %d:%02d", eta / 60, eta % 60));
            } else if (done >= total) {
                long t = Math.round(secs);
                b.append(String.format(Locale.ROOT, "  done in %d:%02d", t / 60, t % 60));
            }
            String s = b.toString();
            int pad = lastLength - s.length();
            lastLength = s.length();
            return pad > 0 ? s + " ".repeat(pad) : s;
        }

        /** Blanks the bar so that a message can be printed on a clean line. */
        void clear() {
            Interrupts.criticalRun(null, () -> {
                err.print("\r" + " ".repeat(lastLength) + "\r");
                lastLength = 0;
                lastDraw = 0; // redraw on the next update
                open = false;
            });
        }

        void finish() {
            Interrupts.criticalRun(null, () -> {
                err.println();
                open = false;
            });
        }

        /** Ends the bar's line on Ctrl-C, so that the "interrupted" message starts on a line of its own. */
        void interrupt() {
            if (open) {
                err.println();
                open = false;
            }
        }
    }
}

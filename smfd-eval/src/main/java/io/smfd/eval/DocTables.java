package io.smfd.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders the README's (and docs/quality.md's and docs/speed.md's) measured tables from committed JSON, so that no measured figure in them is typed by hand.
 * Each table lives between {@code <!-- NAME -->} and {@code <!-- /NAME -->} in the document that shows it:
 *
 * <ul>
 *   <li>{@code QUALITY-TABLE}, {@code IDENTITY-TABLE} and {@code PASS-THROUGH-TABLE}: from {@value #EVAL_REPORT}
 *       (the report.json of the bundled model's {@code smfd eval --no-matrix} on all 500 held-out faces,
 *       committed as is);</li>
 *   <li>{@code HARD-VERIFICATION-TABLE} and {@code DEPLOYMENT-MATRIX-TABLE}: from {@value #MATRIX_REPORT}
 *       (the report.json of {@code smfd eval --matrix}, committed as is);</li>
 *   <li>{@code THROUGHPUT-TABLE} (README) and {@code SPEED-TABLE} (docs/speed.md): from {@value #THROUGHPUT} and
 *       {@value #LATENCY}, written by {@code smfd-benchmarks/run-speed.sh} (the benchmarks' medians, the machine's
 *       CPU model and vector width, the load average before the run).</li>
 * </ul>
 *
 * <p>{@code DocTablesTest} (run by {@code mvn verify}) regenerates every block and fails when README.md differs.
 * To regenerate after a new report: copy the report into place, then
 * {@code mvn -B -o -pl smfd-eval -am verify -Dtest=DocTablesTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dsmfd.docs.regenerate=true} (or run {@link #main(String[])} with {@code --write}).
 * Numbers are rounded half-even on the exact binary value, as Python's {@code format} does, so the output is
 * the one the former Python scripts wrote. Stateless and thread-safe.
 */
public final class DocTables {

    /** The matrix / hard-verification report, relative to the repository root. */
    public static final String MATRIX_REPORT = "docs/data/matrix-report.json";
    /** The bundled model's full evaluation report, relative to the repository root. */
    public static final String EVAL_REPORT = "docs/data/eval-report.json";
    /** {@code deblurAll} throughput and CLI faces/s ({@code smfd-benchmarks/run-speed.sh}), relative to the root. */
    public static final String THROUGHPUT = "docs/data/throughput.json";
    /** Paired cpu/onnx latency ({@code smfd-benchmarks/run-speed.sh}), relative to the repository root. */
    public static final String LATENCY = "docs/data/latency.json";
    /** The generated document with the latency table, relative to the repository root. */
    public static final String SPEED_DOC = "docs/speed.md";
    /**
     * Load average (1 minute) before a speed run above which the speed tables say the machine was busy: the numbers
     * are then shown, but marked as not a valid measurement.
     */
    static final double IDLE_LOAD = 1.0;
    /** The generated document with the headline tables, relative to the repository root. */
    public static final String README = "README.md";
    /** The generated document with the detailed quality tables, relative to the repository root. */
    public static final String QUALITY_DOC = "docs/quality.md";
    /** System property that makes {@code DocTablesTest} rewrite README.md instead of comparing. */
    public static final String REGENERATE_PROPERTY = "smfd.docs.regenerate";
    /** The command that rewrites the blocks. */
    public static final String REGENERATE_COMMAND = "mvn -B -o -pl smfd-eval -am verify -Dtest=DocTablesTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -D" + REGENERATE_PROPERTY + "=true";

    private static final String[][] GEOMETRIES = {
        {"256", "256 px whole face"}, {"160", "160 px whole face"}, {"112crop", "112 px ArcFace-style crop"}};

    private DocTables() {
    }

    /**
     * One generated block: its marker name, the JSON file it is rendered from, the document it lives in, and
     * the renderer.
     */
    private record Block(String name, String source, String document, Function<Object, String> render) {
    }

    private static List<Block> blocks() {
        return List.of(
                new Block("HARD-VERIFICATION-TABLE", MATRIX_REPORT, README, DocTables::hardTable),
                new Block("QUALITY-TABLE", EVAL_REPORT, QUALITY_DOC, DocTables::qualityTable),
                new Block("IDENTITY-TABLE", EVAL_REPORT, QUALITY_DOC, DocTables::identityTable),
                new Block("PASS-THROUGH-TABLE", EVAL_REPORT, QUALITY_DOC, DocTables::passThroughTable),
                new Block("DEPLOYMENT-MATRIX-TABLE", MATRIX_REPORT, README, DocTables::matrixTable),
                new Block("DEPLOYMENT-MATRIX-CELLS", MATRIX_REPORT, QUALITY_DOC, DocTables::matrixCells),
                new Block("THROUGHPUT-TABLE", THROUGHPUT, README, DocTables::throughputTable),
                new Block("SPEED-TABLE", LATENCY, SPEED_DOC, DocTables::latencyTable));
    }

    /**
     * The generated documents and the blocks each holds.
     *
     * @return document path (relative to the repository root) to its block names, in order
     */
    public static Map<String, List<String>> documents() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Block b : blocks()) {
            out.computeIfAbsent(b.document(), k -> new ArrayList<>()).add(b.name());
        }
        return out;
    }

    /**
     * Regenerates one document's blocks.
     *
     * @param text     the document's current text
     * @param document its path relative to the repository root (a key of {@link #documents()})
     * @param bodies   what {@link #render(Path)} returned
     * @return the document with its blocks replaced
     */
    public static String applyTo(String text, String document, Map<String, String> bodies) {
        Map<String, String> own = new LinkedHashMap<>();
        for (String name : documents().getOrDefault(document, List.of())) {
            own.put(name, bodies.get(name));
        }
        return apply(text, own);
    }

    /**
     * Renders every block from the JSON files under {@code root}.
     *
     * @param root the repository root
     * @return marker name to block body (without the markers), in README order
     * @throws IOException if a source file cannot be read
     * @throws IllegalArgumentException if a source file is not JSON or lacks a member a table needs
     */
    public static Map<String, String> render(Path root) throws IOException {
        Map<String, Object> parsed = new LinkedHashMap<>();
        Map<String, String> out = new LinkedHashMap<>();
        for (Block b : blocks()) {
            Object json = parsed.get(b.source());
            if (json == null) {
                json = Json.parse(Files.readString(root.resolve(b.source()), StandardCharsets.UTF_8));
                parsed.put(b.source(), json);
            }
            try {
                out.put(b.name(), b.render().apply(json));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(b.source() + ": cannot render " + b.name() + ": " + e, e);
            }
        }
        return out;
    }

    /**
     * Replaces the body of each block in {@code text}.
     *
     * @param text   the document
     * @param bodies marker name to new body
     * @return the document with every block replaced
     * @throws IllegalArgumentException if a block's markers are missing or out of order
     */
    public static String apply(String text, Map<String, String> bodies) {
        String t = text;
        for (Map.Entry<String, String> e : bodies.entrySet()) {
            String begin = "<!-- " + e.getKey() + " -->";
            String end = "<!-- /" + e.getKey() + " -->";
            int i = t.indexOf(begin);
            int j = t.indexOf(end);
            if (i < 0 || j < i) {
                throw new IllegalArgumentException("no " + begin + " ... " + end + " block");
            }
            t = t.substring(0, i + begin.length()) + "\n" + e.getValue() + "\n" + t.substring(j);
        }
        return t;
    }

    /**
     * The current body of one block.
     *
     * @param text the document
     * @param name the block's marker name
     * @return the text between its markers, without the newlines next to them
     * @throws IllegalArgumentException if the block's markers are missing or out of order
     */
    static String body(String text, String name) {
        String begin = "<!-- " + name + " -->";
        String end = "<!-- /" + name + " -->";
        int i = text.indexOf(begin);
        int j = text.indexOf(end);
        if (i < 0 || j < i) {
            throw new IllegalArgumentException("no " + begin + " ... " + end + " block");
        }
        return text.substring(i + begin.length(), j).strip();
    }

    /**
     * {@code DocTables [--write] [ROOT]}: checks (default) or rewrites the generated blocks of ROOT/README.md,
     * ROOT/docs/quality.md and ROOT/docs/speed.md
     * (ROOT defaults to the working directory). Exit code 0 when up to date or rewritten, 1 when stale, 2 on
     * an error.
     *
     * @param args arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The JSON files a document's blocks are rendered from, e.g. {@code docs/data/latency.json}. */
    static String sources(String document) {
        return String.join(", ", blocks().stream().filter(b -> b.document().equals(document)).map(Block::source)
                .distinct().toList());
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean write = false;
        Path root = Path.of("");
        for (String a : args) {
            if (a.equals("--write")) {
                write = true;
            } else if (a.startsWith("-")) {
                err.println("usage: DocTables [--write] [REPOSITORY_ROOT]");
                return 2;
            } else {
                root = Path.of(a);
            }
        }
        try {
            Map<String, String> bodies = render(root);
            boolean stale = false;
            for (String document : documents().keySet()) {
                Path path = root.resolve(document);
                String old = Files.readString(path, StandardCharsets.UTF_8);
                String now = applyTo(old, document, bodies);
                if (now.equals(old)) {
                    out.println(path + ": generated tables are up to date");
                } else if (write) {
                    Files.writeString(path, now, StandardCharsets.UTF_8);
                    out.println(path + ": generated tables rewritten from " + sources(document));
                } else {
                    err.println(path + ": generated tables are stale; run " + REGENERATE_COMMAND);
                    stale = true;
                }
            }
            return stale ? 1 : 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("DocTables: " + e.getMessage());
            return 2;
        }
    }

    // ---- quality, identity and pass-through (evaluation report) ----

    private static final String[][] QUALITY_METHODS = {
        {"blurry", "blurry input"}, {"unsharp", "unsharp masking"}, {"wiener", "blind Gaussian Wiener"},
        {"bestClassical", "best classical per face (oracle pick of the two)"}, {"smfd", "**SMFD**"}};

    static String qualityTable(Object rep) {
        List<String> lines = new ArrayList<>();
        String faces = integer(member(rep, "faces"));
        lines.add("All " + faces + " held-out faces (bundled model, `" + text(member(rep, "backend"))
                + "` backend; command `" + text(member(rep, "command")) + "`):");
        lines.add("");
        lines.add("| Method | PSNR-RGB (dB) | SSIM-RGB | PSNR-Y (dB) | SSIM-Y | PSNR eyes (dB) | PSNR mouth (dB) |");
        lines.add("| --- | --- | --- | --- | --- | --- | --- |");
        for (String[] method : QUALITY_METHODS) {
            Object v = member(rep, "overall", method[0]);
            lines.add("| " + method[1] + " | " + fixed(num(v, "psnrRgb"), 2) + " | " + fixed(num(v, "ssimRgb"), 4)
                    + " | " + fixed(num(v, "psnrY"), 2) + " | " + fixed(num(v, "ssimY"), 4) + " | "
                    + fixed(num(v, "psnrEyes"), 2) + " | " + fixed(num(v, "psnrMouth"), 2) + " |");
        }
        lines.add("");
        lines.add("PSNR-RGB by blur family (blurry -> best classical -> SMFD):");
        lines.add("");
        lines.add("| Family | faces | blurry | best classical | SMFD | SMFD - blurry |");
        lines.add("| --- | --- | --- | --- | --- | --- |");
        for (Map.Entry<?, ?> e : ((Map<?, ?>) member(rep, "byFamily")).entrySet()) {
            Object g = e.getValue();
            double b = num(member(g, "methods", "blurry"), "psnrRgb");
            double c = num(member(g, "methods", "bestClassical"), "psnrRgb");
            double sm = num(member(g, "methods", "smfd"), "psnrRgb");
            lines.add("| " + e.getKey() + " | " + integer(member(g, "n")) + " | " + fixed(b, 2) + " | " + fixed(c, 2)
                    + " | " + fixed(sm, 2) + " | " + signed(sm - b, 2) + " |");
        }
        double gain = num(member(rep, "overall", "smfd"), "psnrRgb") - num(member(rep, "overall", "blurry"), "psnrRgb");
        Object blurOnly = member(rep, "byCondition", "blur only");
        lines.add("");
        long classes = ((Map<?, ?>) member(rep, "maskIoU")).values().stream().filter(v -> v instanceof Map).count();
        lines.add("Mask generator mean IoU over the " + classes
                + " classes: " + fixed(num(member(rep, "maskIoU"), "mIoU"), 3) + ". SMFD gains " + signed(gain, 2)
                + " dB over the blurry input on average. Faces with blur only (no noise, JPEG or rescaling; "
                + integer(member(blurOnly, "n")) + " of " + faces + "): PSNR-RGB blurry "
                + fixed(num(member(blurOnly, "methods", "blurry"), "psnrRgb"), 2) + ", best classical "
                + fixed(num(member(blurOnly, "methods", "bestClassical"), "psnrRgb"), 2) + ", SMFD "
                + fixed(num(member(blurOnly, "methods", "smfd"), "psnrRgb"), 2) + " dB.");
        return String.join("\n", lines);
    }

    static String identityTable(Object rep) {
        Object ident = member(rep, "identity", "overall");
        Object ver = member(rep, "verification");
        Object niqe = Json.get(rep, "niqe");
        List<String> lines = new ArrayList<>();
        lines.add("Identity and verification, all " + integer(member(rep, "faces")) + " faces: dlib face-descriptor"
                + " distance of each image to the sharp face's descriptor (lower is better; same person below 0.6),"
                + " and TAR at fixed FAR with the sharp faces as the gallery (threshold from each probe type's"
                + " impostor distances). NIQE: lower is more natural.");
        lines.add("");
        lines.add("| Method | identity distance mean | median | p95 | within 0.6 | TAR @ FAR 1e-2 | TAR @ FAR 1e-3 |"
                + " NIQE mean |");
        lines.add("| --- | --- | --- | --- | --- | --- | --- | --- |");
        if (niqe != null && Json.get(niqe, "sharp") != null) {
            lines.add("| sharp face (reference) | 0 | 0 | 0 | 100% | - | - | "
                    + fixed(num(member(niqe, "sharp"), "mean"), 2) + " |");
        }
        String[][] labels = {{"blurry", "blurry input"}, {"bestClassical", "best classical per face (oracle)"},
            {"smfd", "**SMFD**"}};
        for (String[] l : labels) {
            Object v = Json.get(ident, l[0]);
            if (v == null) {
                continue;
            }
            Object t = Json.get(ver, l[0]);
            Object nq = niqe == null ? null : Json.get(niqe, l[0], "mean");
            lines.add("| " + l[1] + " | " + fixed(num(v, "mean"), 3) + " | " + fixed(num(v, "median"), 3) + " | "
                    + fixed(num(v, "p95"), 3) + " | " + pct(Json.get(v, "within")) + " | "
                    + pct(t == null ? null : Json.get(t, "tarAtFar1e-2")) + " | "
                    + pct(t == null ? null : Json.get(t, "tarAtFar1e-3")) + " | "
                    + (nq instanceof Number n ? fixed(n.doubleValue(), 2) : "n/a") + " |");
        }
        Object dnh = Json.get(rep, "doNoHarm");
        if (dnh instanceof Map<?, ?> sets && !sets.isEmpty()) {
            lines.add("");
            lines.add("Do no harm: SMFD on faces that need no deblurring, output against its own input (identity"
                    + " drift = descriptor distance between output and input); for the mild set also input and output"
                    + " against the sharp face:");
            lines.add("");
            lines.add("| Set | faces | PSNR-RGB output vs input (dB) | SSIM-RGB | identity drift mean | p95 |"
                    + " vs sharp: PSNR input -> SMFD (dB) | identity input -> SMFD |");
            lines.add("| --- | --- | --- | --- | --- | --- | --- | --- |");
            Map<String, String> names = Map.of("sharp", "sharp (no degradation)",
                    "mild", "mild blur only (Gaussian 0.3-1 px, shake 5-9 px)");
            for (Map.Entry<?, ?> e : sets.entrySet()) {
                String k = e.getKey().toString();
                Object v = e.getValue();
                boolean sharp = k.equals("sharp");
                lines.add("| " + names.getOrDefault(k, k) + " | " + integer(member(v, "n")) + " | "
                        + fixed(num(v, "outputVsInputPsnrRgb"), 2) + " | " + fixed(num(v, "outputVsInputSsimRgb"), 4)
                        + " | " + fixed(num(member(v, "identityDrift"), "mean"), 3) + " | "
                        + fixed(num(member(v, "identityDrift"), "p95"), 3) + " | "
                        + (sharp ? "-" : fixed(num(member(v, "inputVsSharp"), "psnrRgb"), 2) + " -> "
                        + fixed(num(member(v, "smfdVsSharp"), "psnrRgb"), 2)) + " | "
                        + (sharp ? "-" : fixed(num(member(v, "inputVsSharp", "identity"), "mean"), 3) + " -> "
                        + fixed(num(member(v, "smfdVsSharp", "identity"), "mean"), 3)) + " |");
            }
        }
        if (Json.get(ident, "smfd") != null && Json.get(ident, "blurry") != null) {
            double b = num(member(ident, "blurry"), "mean");
            double sm = num(member(ident, "smfd"), "mean");
            String summary = "In short: SMFD moves the mean identity distance to the sharp face from " + fixed(b, 3)
                    + " (blurry) to " + fixed(sm, 3) + " (" + signed(sm - b, 3) + "; best classical "
                    + fixed(num(member(ident, "bestClassical"), "mean"), 3) + ") and TAR at FAR 1e-3 from "
                    + pct(Json.get(ver, "blurry", "tarAtFar1e-3")) + " to " + pct(Json.get(ver, "smfd", "tarAtFar1e-3"));
            Object sharpSet = dnh == null ? null : Json.get(dnh, "sharp");
            if (sharpSet != null) {
                summary += "; on sharp faces it changes identity by "
                        + fixed(num(member(sharpSet, "identityDrift"), "mean"), 3) + " on average (PSNR "
                        + fixed(num(sharpSet, "outputVsInputPsnrRgb"), 1) + " dB against the input)";
            }
            lines.add("");
            lines.add(summary + ".");
        }
        Object d = Json.get(rep, "descriptor");
        if (d != null) {
            Object ms = Json.get(d, "msPerFace");
            lines.add("");
            lines.add("Descriptor cost: " + pyNumber(member(d, "gflopPerFace")) + " GFLOP per face; "
                    + (ms instanceof Number n ? fixed(n.doubleValue(), 1) : "n/a") + " ms per face measured during"
                    + " the evaluation (mean batched call time per chip, on the evaluation's threads and under its"
                    + " load).");
        }
        return String.join("\n", lines);
    }

    private static final String[][] ASSESSMENT_SETS = {
        {"mixed", "**mixed (all three)**"}, {"defaultAndMild", "default + mild"}, {"default", "default"},
        {"sharp", "sharp"}, {"mild", "mild"}};

    static String passThroughTable(Object rep) {
        Object a = member(rep, "blurAssessment");
        List<String> lines = new ArrayList<>();
        lines.add("Pass-through (`SharpFacePolicy.PASS_THROUGH`, the default): `Deblurrer.assess` on every input of"
                + " the default, sharp and mild sets; inputs with severity < " + pyNumber(member(a, "threshold"))
                + " are returned unchanged. ROC AUC: severity as a score for \"SMFD gains >= "
                + pyNumber(member(a, "gainDb")) + " dB RGB PSNR\"; Spearman: estimated blur extent vs the kernel's"
                + " true radius of gyration. Mean PSNR-RGB against the sharp face, capped at "
                + fixed(num(a, "psnrCapDb"), 0) + " dB (an unchanged sharp face counts " + fixed(num(a, "psnrCapDb"), 0)
                + "):");
        lines.add("");
        lines.add("| Set | faces | SMFD gains >= " + pyNumber(member(a, "gainDb")) + " dB | ROC AUC | Spearman extent"
                + " | passed through | PSNR-RGB policy off (dB) | policy on (dB) |");
        lines.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (String[] set : ASSESSMENT_SETS) {
            Object v = Json.get(a, set[0]);
            if (v == null) {
                continue;
            }
            long faces = (long) num(v, "faces");
            long passed = (long) num(v, "passedThrough");
            lines.add("| " + set[1] + " | " + faces + " | " + integer(member(v, "positives")) + " | "
                    + optional(Json.get(v, "rocAuc"), 3) + " | " + optional(Json.get(v, "spearmanExtent"), 3) + " | "
                    + passed + " (" + fixed(100.0 * passed / faces, 0) + "%) | "
                    + fixed(num(v, "psnrRgbPolicyOff"), 2) + " | " + fixed(num(v, "psnrRgbPolicyOn"), 2) + " |");
        }
        lines.add("");
        lines.add("Sharp faces returned exactly unchanged: " + integer(member(a, "sharpUnchanged")) + " of "
                + integer(member(a, "sharp", "faces")) + ".");
        return String.join("\n", lines);
    }

    private static String optional(Object v, int digits) {
        return v instanceof Number n ? fixed(n.doubleValue(), digits) : "-";
    }

    /** A JSON number as Python's {@code str} prints it after {@code json.load}: integers as written, floats shortest. */
    private static String pyNumber(Object v) {
        String t = v.toString();
        if (!t.contains(".") && !t.contains("e") && !t.contains("E")) {
            return t;
        }
        return Double.toString(((Number) v).doubleValue());
    }

    // ---- hard verification and deployment matrix (matrix report) ----

    static String hardTable(Object report) {
        Object h = member(report, "hardVerification");
        String probes = integer(member(h, "probes"));
        Object methods = member(h, "methods");
        long impostors = (long) num(member(methods, "blurry", "mobileface"), "impostors");
        List<String> lines = new ArrayList<>();
        lines.add("Hard verification: " + probes + " held-out faces as 112x112 ArcFace-style crops, degraded strongly"
                + " at 256 px (`DeploymentMatrix.hardPipeline()`: motion-heavy blur, then down-up scaling, noise and"
                + " JPEG, always; seed `" + pyNumber(member(h, "seedBase")) + " + id`); gallery = their sharp crops (" + probes
                + " genuine, " + String.format(Locale.ROOT, "%,d", impostors) + " impostor comparisons per row)."
                + " mobileface = ArcFace-family embedding (cosine); dlib = face descriptor on the crop. Command: `"
                + (Json.get(report, "command") instanceof String c ? c : "?") + "`.");
        lines.add("");
        lines.add("| Probe | PSNR (dB) | passed through | mobileface TAR @ FAR 1e-2 | TAR @ FAR 1e-3 | rank-1 "
                + "| dlib TAR @ FAR 1e-2 | TAR @ FAR 1e-3 | rank-1 |");
        lines.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Map.Entry<?, ?> e : ((Map<?, ?>) methods).entrySet()) {
            Object m = e.getValue();
            Object mf = member(m, "mobileface");
            Object dl = member(m, "dlib");
            String label = text(member(m, "label"));
            if (e.getKey().toString().endsWith("Forced")) {
                label = "**" + label + "**";
            }
            Object passed = Json.get(m, "passedThrough");
            lines.add("| " + label + " | " + fixed(num(m, "psnr"), 2) + " | "
                    + (passed instanceof Number ? pct(passed) : "-") + " | " + pct(Json.get(mf, "tarAtFar1e-2"))
                    + " | " + pct(Json.get(mf, "tarAtFar1e-3")) + " | " + pct(Json.get(mf, "rank1")) + " | "
                    + pct(Json.get(dl, "tarAtFar1e-2")) + " | " + pct(Json.get(dl, "tarAtFar1e-3")) + " | "
                    + pct(Json.get(dl, "rank1")) + " |");
        }
        return String.join("\n", lines);
    }

    static String matrixTable(Object report) {
        Object d = member(report, "deploymentMatrix");
        List<?> models = (List<?>) member(d, "models");
        if (models.isEmpty()) {
            throw new IllegalArgumentException("the report has no model rows (--backend none)");
        }
        Object model = models.get(0);
        String name = text(member(model, "name"));
        List<?> cells = (List<?>) member(d, "cells");
        List<String> sizes = cells.stream().map(c -> (long) num(c, "n")).distinct().sorted()
                .map(String::valueOf).toList();
        List<String> lines = new ArrayList<>();
        lines.add("Deployment matrix (" + text(member(model, "description")) + "): " + String.join("/", sizes)
                + " held-out faces per cell, fixed seeds; blur strengths at 256 px, noise + JPEG = Gaussian noise "
                + pyNumber(member(d, "noiseSigma")) + "/255 + JPEG " + pyNumber(member(d, "jpegQuality")) + "; b = blurry input, d ="
                + " default policy (pass-through where the blur assessment says sharp), f = forced (`DEBLUR`);"
                + " distances to the sharp face (lower is better); missed = passed through although forcing gains >= "
                + pyNumber(member(d, "missedGainDb")) + " dB. Wall time " + fixed(num(d, "wallSeconds") / 60, 0) + " min ("
                + pyNumber(member(d, "threads")) + " face threads). By geometry, mean over its " + cells.size() / 3 + " cells:");
        lines.add("");
        lines.add("| Geometry | PSNR b / d / f (dB) | SSIM b / d / f | mobileface b / d / f | dlib b / d / f | passed"
                + " | missed |");
        lines.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (String[] g : GEOMETRIES) {
            List<?> cs = cells.stream().filter(c -> g[0].equals(text(member(c, "geometry")))).toList();
            lines.add("| " + g[1] + " | " + triple(cs, name, "psnr", 2) + " | " + triple(cs, name, "ssim", 3) + " | "
                    + triple(cs, name, "mobileface", 3) + " | " + triple(cs, name, "dlib", 3) + " | "
                    + pct(mean(cs, c -> Json.get(c, "models", name, "passedThrough"))) + " | "
                    + pct(mean(cs, c -> Json.get(c, "models", name, "missed"))) + " |");
        }
        lines.add("");
        lines.add("Every cell of every geometry: [docs/quality.md](docs/quality.md#deployment-matrix-every-cell).");
        return String.join("\n", lines);
    }

    static String matrixCells(Object report) {
        Object d = member(report, "deploymentMatrix");
        List<?> models = (List<?>) member(d, "models");
        if (models.isEmpty()) {
            throw new IllegalArgumentException("the report has no model rows (--backend none)");
        }
        String name = text(member(models.get(0), "name"));
        List<String> lines = new ArrayList<>();
        lines.add("Deployment matrix, every cell (" + text(member(models.get(0), "description"))
                + "; b / d / f = blurry / default policy / forced; distances to the sharp face):");
        lines.add("");
        lines.add("| Geometry | Blur (256 px) | noise + JPEG | n | PSNR b / d / f (dB) | mobileface b / d / f"
                + " | dlib b / d / f | passed | missed |");
        lines.add("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (String[] g : GEOMETRIES) {
            for (Object c : (List<?>) member(d, "cells")) {
                if (!g[0].equals(text(member(c, "geometry")))) {
                    continue;
                }
                Object m = member(c, "models", name);
                Object b = member(c, "blurry");
                Object df = member(m, "default");
                Object f = member(m, "forced");
                lines.add("| " + g[1] + " | " + text(member(c, "family")) + " " + text(member(c, "strength")) + " | "
                        + (Boolean.TRUE.equals(member(c, "noisy")) ? "yes" : "no") + " | " + member(c, "n") + " | "
                        + fixed(num(b, "psnr"), 2) + " / " + fixed(num(df, "psnr"), 2) + " / " + fixed(num(f, "psnr"), 2)
                        + " | " + fixed(num(b, "mobileface"), 3) + " / " + fixed(num(df, "mobileface"), 3) + " / "
                        + fixed(num(f, "mobileface"), 3) + " | " + fixed(num(b, "dlib"), 3) + " / "
                        + fixed(num(df, "dlib"), 3) + " / " + fixed(num(f, "dlib"), 3) + " | "
                        + pct(Json.get(m, "passedThrough")) + " | " + pct(Json.get(m, "missed")) + " |");
            }
        }
        return String.join("\n", lines);
    }

    private static String triple(List<?> cells, String model, String key, int digits) {
        return fixed(mean(cells, c -> Json.get(c, "blurry", key)), digits) + " / "
                + fixed(mean(cells, c -> Json.get(c, "models", model, "default", key)), digits) + " / "
                + fixed(mean(cells, c -> Json.get(c, "models", model, "forced", key)), digits);
    }

    /** Mean of the numbers among {@code f(cell)}, ignoring absent and null values (NaN when none). */
    private static Double mean(List<?> cells, Function<Object, Object> f) {
        double sum = 0;
        int n = 0;
        for (Object c : cells) {
            if (f.apply(c) instanceof Number v) {
                sum += v.doubleValue();
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    // ---- speed (smfd-benchmarks/run-speed.sh) ----

    /** The machine and run sentence shared by both speed tables. */
    private static String speedRun(Object json) {
        Object run = member(json, "run");
        Object m = member(json, "machine");
        double load = num(run, "loadAverageBefore");
        String busy = load > IDLE_LOAD ? " **The machine was busy (load average above " + fixed(IDLE_LOAD, 1)
                + "): these numbers are not a valid measurement; rerun `smfd-benchmarks/run-speed.sh` on an idle"
                + " machine.**" : "";
        return text(member(m, "cpuModel")) + ", " + integer(member(m, "logicalProcessors")) + " logical processors, "
                + "**the cpu backend's vectors are " + integer(member(m, "vectorBits")) + "-bit, "
                + integer(member(m, "floatLanes")) + " float lanes** (`" + text(member(m, "cpuKernels")) + "`), JDK "
                + text(member(m, "jdk")) + "; " + text(member(run, "started")) + " to " + text(member(run, "written"))
                + ", commit " + text(member(run, "commit")) + ", load average before the run " + fixed(load, 2)
                + "; command `" + text(member(run, "command")) + "`." + busy;
    }

    private static List<?> rows(Object json, String key) {
        if (member(json, key) instanceof List<?> l && !l.isEmpty()) {
            List<Object> sorted = new ArrayList<>(l);
            sorted.sort(java.util.Comparator.comparingDouble((Object r) -> num(r, "size"))
                    .thenComparingDouble(r -> Json.get(r, "threads") instanceof Number n ? n.doubleValue() : 0)
                    .thenComparing(r -> text(Json.get(r, "onnxSpinning"))));
            return sorted;
        }
        throw new IllegalArgumentException("member " + key + " is not a non-empty list");
    }

    /** README's throughput table: {@code deblurAll} faces/s per size and configuration, the CLI, two summary lines. */
    static String throughputTable(Object json) {
        List<String> lines = new ArrayList<>();
        List<?> rows = rows(json, "rows");
        Object first = rows.get(0);
        lines.add(speedRun(json) + " `deblurAll` of " + integer(member(first, "faces")) + " distinct synthetic faces"
                + " per configuration, sharp faces deblurred too; median faces/s over " + integer(member(first,
                "rounds")) + " rounds, each round running the four configurations in rotated order (min-max in"
                + " brackets); ratios are medians of the per-round ratios; CPU-ms per face = process CPU time (all"
                + " threads) per face.");
        lines.add("");
        lines.add("| Size | cpu 1 thread faces/s | cpu 2 threads | onnx 1 thread | onnx 2 threads | cpu 2/1 | onnx 2/1 "
                + "| cpu / onnx, 1 thread | cpu / onnx, 2 threads | CPU-ms per face, cpu 1 / 2 threads | onnx 1 / 2 |");
        lines.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        Object at112 = null;
        for (Object r : rows) {
            String size = integer(member(r, "size"));
            if (size.equals("112")) {
                at112 = r;
            }
            Object c = member(r, "configs");
            Object q = member(r, "ratios");
            lines.add("| " + size + "x" + size + " | " + fps(c, "cpu-1") + " | " + fps(c, "cpu-2") + " | "
                    + fps(c, "onnx-1") + " | " + fps(c, "onnx-2") + " | " + fixed(num(q, "cpu-2 / cpu-1"), 2) + "x | "
                    + fixed(num(q, "onnx-2 / onnx-1"), 2) + "x | " + fixed(num(q, "cpu-1 / onnx-1"), 2) + " | "
                    + fixed(num(q, "cpu-2 / onnx-2"), 2) + " | " + fixed(num(member(c, "cpu-1"), "cpuMsPerFace"), 1)
                    + " / " + fixed(num(member(c, "cpu-2"), "cpuMsPerFace"), 1) + " | "
                    + fixed(num(member(c, "onnx-1"), "cpuMsPerFace"), 1) + " / "
                    + fixed(num(member(c, "onnx-2"), "cpuMsPerFace"), 1) + " |");
        }
        if (at112 == null) {
            throw new IllegalArgumentException("no 112 px row (the summary lines are about 112 px)");
        }
        lines.add("");
        lines.add("112 px cpu throughput 2 threads / 1 thread: " + fixed(num(member(at112, "ratios"), "cpu-2 / cpu-1"), 2)
                + "x");
        lines.add("112 px throughput cpu / onnx (2 threads): " + fixed(num(member(at112, "ratios"), "cpu-2 / onnx-2"),
                2));
        if (Json.get(json, "cli") instanceof List<?> cli && !cli.isEmpty()) {
            StringBuilder sb = new StringBuilder("CLI, `smfd deblur` on a folder of "
                    + integer(member(cli.get(0), "faces")) + " synthetic 112 px faces with `--deblur-sharp`, whole"
                    + " process (JVM start, model load and JIT warm-up included), faces/s:");
            String sep = " ";
            for (Object r : cli) {
                sb.append(sep).append(text(member(r, "backend"))).append(' ').append(integer(member(r, "threads")))
                        .append(" thread(s) ").append(fixed(num(r, "facesPerSecond"), 1));
                sep = ", ";
            }
            lines.add("");
            lines.add(sb.append('.').toString());
        }
        return String.join("\n", lines);
    }

    private static String fps(Object configs, String name) {
        Object c = member(configs, name);
        return fixed(num(c, "facesPerSecond"), 1) + " (" + fixed(num(c, "min"), 1) + "-" + fixed(num(c, "max"), 1)
                + ")";
    }

    /** docs/speed.md's latency table: paired cpu/onnx medians per size, threads and ORT spinning. */
    static String latencyTable(Object json) {
        List<String> lines = new ArrayList<>();
        List<?> rows = rows(json, "rows");
        lines.add("Paired JMH run (`CpuOnnxPairedBenchmark`: every invocation deblurs the same synthetic face with"
                + " both backends, alternating the order, so both see the same machine load), bundled model; "
                + speedRun(json) + " Median latency per face over all measured pairs (faces/s = 1000 / ms); the"
                + " ratio is the median of the per-pair ratios. Pause: the benchmark sleeps that long after each call"
                + " (not timed), so that a call does not start while the other backend's threads still spin (ONNX"
                + " Runtime's workers spin-wait about 20 ms after a call, which on 2 cores takes a core from the next"
                + " call).");
        lines.add("");
        lines.add("| Size | Threads | ORT spin-wait | pause | pairs | onnx ms (faces/s) | cpu ms (faces/s) | cpu / onnx |");
        lines.add("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        int within = 0;
        for (Object r : rows) {
            String size = integer(member(r, "size"));
            double ratio = num(r, "ratio");
            if (ratio <= 1.0) {
                within++;
            }
            String spin = text(member(r, "onnxSpinning"));
            lines.add("| " + size + "x" + size + " | " + integer(member(r, "threads")) + " | "
                    + (spin.equals("default") ? "on (ORT default)" : "off") + " | "
                    + (Json.get(r, "pauseMs") instanceof Number p ? p.longValue() + " ms" : "none") + " | "
                    + integer(member(r, "pairs")) + " | "
                    + ms(num(r, "onnxMs")) + " | " + ms(num(r, "cpuMs")) + " | **" + fixed(ratio, 2) + "** |");
        }
        lines.add("");
        lines.add("cpu / onnx <= 1.00 on " + within + " of " + rows.size() + " rows.");
        return String.join("\n", lines);
    }

    private static String ms(double ms) {
        return fixed(ms, 1) + " (" + fixed(1000 / ms, 1) + ")";
    }

    // ---- JSON access and number formatting ----

    private static Object member(Object json, String... path) {
        Object v = Json.get(json, path);
        if (v == null) {
            throw new IllegalArgumentException("missing member " + String.join(".", path));
        }
        return v;
    }

    private static double num(Object json, String key) {
        if (member(json, key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("member " + key + " is not a number");
    }

    private static String text(Object v) {
        return v instanceof String s ? s : String.valueOf(v);
    }

    private static String integer(Object v) {
        return String.valueOf(((Number) v).longValue());
    }

    /** {@code 100 v} with one decimal and a percent sign; "n/a" when {@code v} is not a number. */
    private static String pct(Object v) {
        return v instanceof Number n ? fixed(100 * n.doubleValue(), 1) + "%" : "n/a";
    }

    /** Like Python's {@code format(v, '.Nf')}: the exact binary value rounded half-even. */
    static String fixed(double v, int digits) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String signed(double v, int digits) {
        String s = fixed(v, digits);
        return s.startsWith("-") ? s : "+" + s;
    }
}

package io.smfd.cli;

import io.smfd.BackendStatus;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.ModelInfo;
import io.smfd.SmfdException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SMFD command-line tool ({@code smfd-cli/target/smfd-cli.jar}).
 *
 * <pre>
 * java -jar smfd-cli.jar info                                   # backends, why each is (un)available, model
 * java -jar smfd-cli.jar deblur blurry.png faces/ --out out/ --masks
 * java -jar smfd-cli.jar assess faces/ --csv                    # blur severity and extent per face
 * java -jar smfd-cli.jar degrade --input face.jpg --seed 7 --out blurry.png
 * java -jar smfd-cli.jar eval --limit 50                         # evaluation report
 * java -jar smfd-cli.jar COMMAND --help
 * </pre>
 *
 * <p>Errors are reported as one line {@code smfd: <message>} on standard error; {@code --debug}
 * (anywhere on the command line) adds stack traces and debug logging. Exit codes: 0 success,
 * 1 failure (unreadable input, backend or model problem, I/O error), 2 usage error, 130 interrupted (Ctrl-C; 143 for
 * SIGTERM): the step in progress (loading the model, a batch, writing a face) finishes, no temporary file is left,
 * and one {@code smfd: interrupted} line is printed.
 */
public final class Cli {

    /** Exit code: success. */
    public static final int EXIT_OK = 0;
    /** Exit code: the command failed (input, backend, model or I/O problem). */
    public static final int EXIT_FAILURE = 1;
    /** Exit code: the command line is wrong. */
    public static final int EXIT_USAGE = 2;

    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    private Cli() {
    }

    /**
     * Entry point.
     *
     * @param args command and its arguments
     */
    public static void main(String[] args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        // Keep the terminal readable: SMFD's one-time INFO lines (backend choice) only with --debug.
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, debug ? "debug" : "warn");
        }
        Interrupts.install(System.err); // Ctrl-C: one "interrupted" line, exit 130, no crash, no partial file
        int code = run(args, System.out, System.err);
        // Under the interrupt lock: a Ctrl-C that arrived just now exits with 130 rather than racing this exit.
        Interrupts.criticalRun(null, () -> System.exit(code));
    }

    /**
     * Runs a command.
     *
     * @param args command and its arguments; {@code --debug} anywhere enables stack traces
     * @param out  standard output
     * @param err  standard error
     * @return the exit code ({@link #EXIT_OK}, {@link #EXIT_FAILURE} or {@link #EXIT_USAGE})
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> list = new ArrayList<>(Arrays.asList(args));
        boolean debug = list.remove("--debug");
        while (list.remove("--debug")) {
            // drop repeats
        }
        if (list.isEmpty()) {
            usage(err);
            return EXIT_USAGE;
        }
        String command = list.get(0);
        String[] rest = list.subList(1, list.size()).toArray(new String[0]);
        try {
            switch (command) {
                case "info":
                    return info(rest, out, err);
                case "deblur":
                    return DeblurCommand.run(rest, out, err);
                case "assess":
                    return AssessCommand.run(rest, out, err);
                case "degrade":
                    return DegradeCommand.run(rest, out, err);
                case "eval":
                    return EvalCommand.run(rest, out, err);
                case "help":
                case "--help":
                case "-h":
                    usage(out);
                    return EXIT_OK;
                default:
                    err.println("smfd: unknown command '" + command + "'");
                    usage(err);
                    return EXIT_USAGE;
            }
        } catch (IllegalArgumentException e) { // bad option values that slipped through a command's parser
            return fail(err, debug, e, EXIT_USAGE);
        } catch (SmfdException | UncheckedIOException e) {
            return fail(err, debug, e, EXIT_FAILURE);
        } catch (RuntimeException e) { // a bug: still one line unless --debug
            err.println("smfd: unexpected " + e.getClass().getName() + ": " + e.getMessage()
                    + (debug ? "" : " (run again with --debug for the stack trace)"));
            if (debug) {
                e.printStackTrace(err);
            }
            return EXIT_FAILURE;
        }
    }

    private static int fail(PrintStream err, boolean debug, Exception e, int code) {
        String msg = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause().getMessage()
                : e.getMessage();
        err.println("smfd: " + (msg == null ? e.getClass().getSimpleName() : msg));
        if (debug) {
            e.printStackTrace(err);
        }
        return code;
    }

    private static void usage(PrintStream s) {
        s.println("Usage: smfd <command> [options]      (smfd <command> --help for the options)");
        s.println("Commands:");
        s.println("  deblur   deblur face crops: smfd deblur <file-or-dir>... --out DIR [--masks]");
        s.println("  assess   how blurred each face is (severity, extent, needs deblurring): smfd assess <file-or-dir>...");
        s.println("  degrade  apply the random spec-v1 degradation with a seed (make a blurry test face)");
        s.println("  eval     evaluate SMFD and classical baselines on the held-out faces (report.md)");
        s.println("  info     backends found and why each is or is not available; the model and its card");
        s.println("Global options: --debug  stack traces and debug logging");
        s.println("JVM options: -D" + Deblurrer.BACKEND_PROPERTY
                + "=NAME selects a backend (default: highest priority available)");
        s.println("Exit codes: 0 success, 1 failure, 2 usage error, 130 interrupted (Ctrl-C)");
    }

    private static int info(String[] args, PrintStream out, PrintStream err) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.println("Usage: smfd info");
                out.println("  Prints the Java runtime, every SMFD backend found with its availability (or the");
                out.println("  reason it cannot run), the model the default backend loads (name, version, SHA-256)");
                out.println("  and a summary of its model card. Exits with 1 when the model cannot be loaded");
                out.println("  (missing, failed checksum, incompatible, or no backend available).");
                return EXIT_OK;
            }
            err.println("smfd info: unknown option '" + a + "'");
            return EXIT_USAGE;
        }
        out.println("SMFD " + version() + " on Java " + Runtime.version() + " (" + System.getProperty("os.name") + ", "
                + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " CPUs)");
        out.println("Image size range: " + FaceImage.MIN_SIZE + ".." + FaceImage.MAX_SIZE + " px");
        String prop = System.getProperty(Deblurrer.BACKEND_PROPERTY);
        out.println("Backend selection: " + (prop == null ? "automatic (highest priority available)"
                : "-D" + Deblurrer.BACKEND_PROPERTY + "=" + prop));
        List<BackendStatus> backends = Deblurrer.backends();
        if (backends.isEmpty()) {
            out.println("Backends: none found (add io.smfd:smfd-runtime-onnx or io.smfd:smfd-runtime-cpu)");
        } else {
            out.println("Backends (best first):");
            String chosen = null;
            for (BackendStatus b : backends) {
                out.println("  " + b);
                if (chosen == null && b.available()) {
                    chosen = b.name();
                }
            }
            out.println("Default backend: " + (chosen == null ? "none available" : chosen));
            for (BackendStatus b : backends) {
                if (b.name().equals("cpu") && b.available() && b.reason().contains("scalar")) {
                    out.println("Tip: java --add-modules jdk.incubator.vector -jar smfd-cli.jar ... gives the cpu"
                            + " backend its vector kernels (Java 21+)");
                }
            }
        }
        ModelInfo model;
        String loadedBy;
        try (Deblurrer d = Interrupts.critical("loading the model", Deblurrer::create)) {
            model = d.modelInfo();
            loadedBy = d.backendName();
            Interrupts.criticalRun("closing the backend", d::close);
        } catch (SmfdException e) { // e.g. checksum mismatch, missing model, no backend: a failed check
            err.println("Model: not available: " + e.getMessage());
            return EXIT_FAILURE;
        }
        out.println("Model: " + model.summary() + " (loaded and checked by backend '" + loadedBy + "')");
        out.println("Model SHA-256: " + model.sha256());
        out.println("Optional model MAXIM-3S (--model maxim|auto): " + maximStatus());
        if (model.modelCard().isEmpty()) {
            out.println("Model card: none");
            return EXIT_OK;
        }
        out.println("Model card:");
        for (String line : ModelCard.summary(model.modelCard())) {
            out.println("  " + line);
        }
        return EXIT_OK;
    }

    /** Whether io.smfd:smfd-model-maxim is on the class path, from its model provider (the model is not read). */
    static String maximStatus() {
        try {
            for (io.smfd.spi.ModelProvider p : java.util.ServiceLoader.load(io.smfd.spi.ModelProvider.class)) {
                if (p.model() == io.smfd.DeblurModel.MAXIM) {
                    return p.isAvailable() ? "present (" + io.smfd.DeblurModel.MAXIM.artifact() + ", sha256 "
                            + p.sha256().substring(0, 12) + ")" : "incomplete jar (model resource missing)";
                }
            }
        } catch (RuntimeException | java.util.ServiceConfigurationError e) {
            return "cannot be checked: " + e;
        }
        return "absent (add " + io.smfd.DeblurModel.MAXIM.artifact() + "; this jar was built without it:"
                + " build with the tests or -Pmaxim)";
    }

    static String version() {
        String v = Cli.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    /** Thrown by command parsers for a wrong command line (exit code 2). */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Returns the value of an option.
     *
     * @param args the arguments
     * @param i    index of the value
     * @param opt  option name, for the message
     * @return the value
     * @throws UsageException if there is no value
     */
    static String value(String[] args, int i, String opt) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(opt + " needs a value");
        }
        return args[i];
    }

    /**
     * Parses a positive integer option value.
     *
     * @param v   the text
     * @param opt option name, for the message
     * @return the value
     * @throws UsageException if it is not an integer {@literal >= 1}
     */
    static int positive(String v, String opt) throws UsageException {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new UsageException(opt + " needs an integer >= 1, got '" + v + "'");
    }
}

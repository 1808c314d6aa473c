package io.smfd.examples;

import io.smfd.BackendStatus;
import io.smfd.Deblurrer;
import io.smfd.FaceImage;
import io.smfd.SmfdException;
import io.smfd.spi.ModelSource;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * SMFD command-line tool.
 *
 * <pre>
 * java -jar smfd-examples/target/smfd-cli.jar info     # backends found, their availability, bundled model
 * </pre>
 *
 * Exit codes: 0 success, 1 SMFD error, 2 usage error.
 */
public final class Cli {

    private Cli() {
    }

    /**
     * Entry point.
     *
     * @param args command and its arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command.
     *
     * @param args command and its arguments
     * @param out  standard output
     * @param err  standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "info":
                    return info(out);
                case "degrade":
                    return DegradeCommand.run(rest, out, err);
                case "eval":
                    return EvalCommand.run(rest, out, err);
                case "help":
                case "--help":
                case "-h":
                    usage(out);
                    return 0;
                default:
                    err.println("Unknown command: " + args[0] + (rest.length > 0 ? " " + String.join(" ", rest) : ""));
                    usage(err);
                    return 2;
            }
        } catch (SmfdException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static void usage(PrintStream s) {
        s.println("Usage: smfd <command>");
        s.println("Commands:");
        s.println("  info    list SMFD backends with their availability, and the bundled model status");
        s.println("Options (JVM): -D" + Deblurrer.BACKEND_PROPERTY + "=NAME selects a backend (default: highest priority available)");
    }

    private static int info(PrintStream out) {
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
            for (BackendStatus b : backends) {
                out.println("  " + b);
            }
        }
        String model;
        try {
            model = ModelSource.bundled().readBytes().length + " bytes, SHA-256 verified";
        } catch (SmfdException e) {
            model = "not available: " + e.getMessage();
        }
        out.println("Bundled model: " + model);
        return 0;
    }

    private static String version() {
        String v = Deblurrer.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
